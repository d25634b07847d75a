#include "aws/redaction.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace aws {

namespace {

constexpr std::size_t kShortest = 4;
constexpr std::size_t kAccessKeyShown = 4;

struct Secret {
    std::string text;
    std::string replacement;
};

struct Registry {
    std::mutex mutex;
    std::vector<Secret> secrets;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

void add(const std::string& text, std::string replacement) {
    if (text.size() < kShortest) return;
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.secrets) {
        if (s.text == text) return;
    }
    r.secrets.push_back({text, std::move(replacement)});
    std::stable_sort(r.secrets.begin(), r.secrets.end(), [](const Secret& a, const Secret& b) {
        return a.text.size() > b.text.size();
    });
}

}  // namespace

void register_access_key(const std::string& access_key_id) {
    add(access_key_id, access_key_id.substr(0, kAccessKeyShown) + "****");
}

void register_secret(const std::string& secret) { add(secret, "****"); }

std::string redact(std::string text) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    // Longest first: a secret may contain a shorter one (a token holding the key id).
    for (const auto& secret : r.secrets) {
        for (auto pos = text.find(secret.text); pos != std::string::npos;
             pos = text.find(secret.text, pos + secret.replacement.size())) {
            text.replace(pos, secret.text.size(), secret.replacement);
        }
    }
    return text;
}

}  // namespace aws
