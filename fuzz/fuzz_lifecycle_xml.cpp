// libFuzzer target: GetBucketLifecycleConfiguration answers. Any input may be
// refused with XmlParseError or LifecycleUnfaithful; nothing may crash, leak,
// trip a sanitizer or throw anything else. What is accepted must survive a
// write: the configuration rendered from its rules parses again to the same
// rules, and an owned rule is recognised the same way before and after.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "s3/lifecycle_xml.hpp"
#include "s3/xml.hpp"

namespace {

bool same_owned(const std::optional<s3::OwnedRule>& a, const std::optional<s3::OwnedRule>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a ||
           (a->prefix == b->prefix && a->created == b->created && a->noncurrent == b->noncurrent);
}

void check_written_back(const std::vector<s3::LifecycleRuleXml>& rules) {
    if (rules.empty()) return;  // never rendered: the caller deletes instead
    std::vector<s3::LifecycleRuleXml> again;
    try {
        again = s3::parse_lifecycle_configuration(s3::render_lifecycle_configuration(rules));
    } catch (...) {
        __builtin_trap();  // accepted once, refused after a write
    }
    if (again.size() != rules.size()) __builtin_trap();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (again[i].id != rules[i].id || again[i].canonical != rules[i].canonical) {
            __builtin_trap();
        }
        const auto owned = s3::parse_owned_rule(rules[i]);
        if (!same_owned(owned, s3::parse_owned_rule(again[i]))) __builtin_trap();
        // An owned rule is what s3-cleanup writes for it, to the letter of its meaning.
        if (owned && s3::render_owned_rule(*owned).canonical != rules[i].canonical) {
            __builtin_trap();
        }
        if (owned && !rules[i].id.starts_with(s3::kOwnedRuleIdPrefix)) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view xml(reinterpret_cast<const char*>(data), size);
    std::vector<s3::LifecycleRuleXml> rules;
    try {
        rules = s3::parse_lifecycle_configuration(xml);
    } catch (const s3::XmlParseError&) {
        return 0;
    } catch (const s3::LifecycleUnfaithful&) {
        return 0;
    }
    check_written_back(rules);
    return 0;
}
