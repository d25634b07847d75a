#include "cli/policy_file.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>

#include "cli/suggest.hpp"

namespace cli {

namespace {

// ------------------------------------------------------------- the keys

// What a key's value must be in the file. Numbers stay text, as a flag's value
// would: validate() checks them, so both ways of giving them read alike.
enum class Kind { kNumber, kBoolean, kList, kText };

using Field = std::variant<std::string RawOptions::*, std::optional<std::string> RawOptions::*,
                           std::vector<std::string> RawOptions::*, bool RawOptions::*>;

struct KeySpec {
    std::string_view key;   // as the file writes it
    std::string_view flag;  // as the command line does; empty for url, an argument there
    Kind kind;
    Field field;
};

// Every key a target may have, defaults too (but url): one row per flag.
constexpr std::array kTargetKeys{
    KeySpec{"url", "", Kind::kText, &RawOptions::url},
    KeySpec{"keep", "--keep", Kind::kNumber, &RawOptions::keep},
    KeySpec{"older_than", "--older-than", Kind::kText, &RawOptions::older_than},
    KeySpec{"before", "--before", Kind::kText, &RawOptions::before},
    KeySpec{"protect", "--protect", Kind::kList, &RawOptions::protect},
    KeySpec{"sort_by", "--sort-by", Kind::kText, &RawOptions::sort_by},
    KeySpec{"purge_versions", "--purge-versions", Kind::kBoolean, &RawOptions::purge_versions},
    KeySpec{"bypass_governance_retention", "--bypass-governance-retention", Kind::kBoolean,
            &RawOptions::bypass_governance_retention},
    KeySpec{"expire_with_lifecycle", "--expire-with-lifecycle", Kind::kBoolean,
            &RawOptions::expire_with_lifecycle},
    KeySpec{"expire_with_lifecycle_over", "--expire-with-lifecycle-over", Kind::kNumber,
            &RawOptions::expire_with_lifecycle_over},
    KeySpec{"protect_cloudfront", "--protect-cloudfront", Kind::kList,
            &RawOptions::protect_cloudfront},
    KeySpec{"protect_referenced_by", "--protect-referenced-by", Kind::kList,
            &RawOptions::protect_referenced_by},
    KeySpec{"region", "--region", Kind::kText, &RawOptions::region},
    KeySpec{"profile", "--profile", Kind::kText, &RawOptions::profile},
    KeySpec{"endpoint_url", "--endpoint-url", Kind::kText, &RawOptions::endpoint_url},
    KeySpec{"addressing_style", "--addressing-style", Kind::kText, &RawOptions::addressing_style},
    KeySpec{"max_attempts", "--max-attempts", Kind::kNumber, &RawOptions::max_attempts},
    KeySpec{"timeout", "--timeout", Kind::kNumber, &RawOptions::timeout},
    KeySpec{"expected_bucket_owner", "--expected-bucket-owner", Kind::kText,
            &RawOptions::expected_bucket_owner},
    KeySpec{"ca_bundle", "--ca-bundle", Kind::kText, &RawOptions::ca_bundle},
};

// The run's own keys, which only a Lambda event holds: on a command line they
// are the run flags beside --config. An event must say dry_run or yes itself,
// since no one is at a terminal to confirm.
constexpr std::array kEventRunKeys{
    KeySpec{"dry_run", "--dry-run", Kind::kBoolean, &RawOptions::dry_run},
    KeySpec{"yes", "--yes", Kind::kBoolean, &RawOptions::yes},
    KeySpec{"concurrency", "--concurrency", Kind::kNumber, &RawOptions::concurrency},
    KeySpec{"metrics_pushgateway", "--metrics-pushgateway", Kind::kText,
            &RawOptions::metrics_pushgateway},
};

// A row whose kind does not fit its field would fail at run time, in apply().
constexpr bool kinds_fit_fields() {
    for (const KeySpec& spec : kEventRunKeys) {
        if ((spec.kind == Kind::kBoolean) !=
            std::holds_alternative<bool RawOptions::*>(spec.field)) {
            return false;
        }
    }
    for (const KeySpec& spec : kTargetKeys) {
        const bool list =
            std::holds_alternative<std::vector<std::string> RawOptions::*>(spec.field);
        const bool boolean = std::holds_alternative<bool RawOptions::*>(spec.field);
        if (list != (spec.kind == Kind::kList) || boolean != (spec.kind == Kind::kBoolean)) {
            return false;
        }
    }
    return true;
}
static_assert(kinds_fit_fields(), "kTargetKeys: a list needs a vector field, a boolean a bool");

constexpr std::string_view kUrlKey = "url";
constexpr std::string_view kKeepKey = "keep";
constexpr std::string_view kOlderThanKey = "older_than";
constexpr std::string_view kBeforeKey = "before";
constexpr std::string_view kVersionKey = "version";
constexpr std::string_view kDefaultsKey = "defaults";
constexpr std::string_view kTargetsKey = "targets";
constexpr std::string_view kSupportedVersion = "1";

// A problem of the whole file (a missing key) is reported at its first line.
constexpr int kFileLine = 1;

const KeySpec* find_key(std::string_view key) {
    for (const KeySpec& spec : kTargetKeys) {
        if (spec.key == key) return &spec;
    }
    return nullptr;
}

std::vector<std::string> key_names(bool with_url) {
    std::vector<std::string> names;
    for (const KeySpec& spec : kTargetKeys) {
        if (with_url || spec.key != kUrlKey) names.emplace_back(spec.key);
    }
    return names;
}

const std::vector<std::string>& target_key_names() {
    static const std::vector<std::string> names = key_names(true);
    return names;
}

const std::vector<std::string>& defaults_key_names() {
    static const std::vector<std::string> names = key_names(false);
    return names;
}

const std::vector<std::string>& top_level_names(PolicySource source) {
    static const std::vector<std::string> file{std::string(kVersionKey), std::string(kDefaultsKey),
                                               std::string(kTargetsKey)};
    static const std::vector<std::string> event = [] {
        std::vector<std::string> names = file;
        for (const KeySpec& spec : kEventRunKeys) names.emplace_back(spec.key);
        return names;
    }();
    return source == PolicySource::kFile ? file : event;
}

const KeySpec* find_run_key(std::string_view key) {
    for (const KeySpec& spec : kEventRunKeys) {
        if (spec.key == key) return &spec;
    }
    return nullptr;
}

// ------------------------------------------------------------- problems

// The first problem found; parse_policy() makes it "FILE:LINE: what".
struct Problem {
    int line;
    std::string what;
};

[[noreturn]] void fail(int line, std::string what) { throw Problem{line, std::move(what)}; }

// Text from the file, made safe for a one-line message: control characters,
// quotes and backslashes escaped as in C.
std::string escaped(std::string_view text) {
    constexpr std::string_view kHex = "0123456789abcdef";
    constexpr unsigned char kFirstPrintable = 0x20;
    constexpr unsigned char kDelete = 0x7f;
    constexpr unsigned kNibble = 4;
    constexpr unsigned kLowNibble = 0xf;
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < kFirstPrintable || byte == kDelete) {
            out += "\\x";
            out += kHex[byte >> kNibble];
            out += kHex[byte & kLowNibble];
        } else {
            out += c;
        }
    }
    return out;
}

std::string quoted(std::string_view text) { return "\"" + escaped(text) + "\""; }

// yaml-cpp counts lines from 0, and marks what has no place with line -1.
int line_of(const YAML::Mark& mark) { return mark.line < 0 ? kFileLine : mark.line + 1; }

// yaml-cpp marks an empty value where the next token starts, often on a later
// line: such a node is reported at `fallback`, the line of its key.
int line_of(const YAML::Node& node, int fallback) {
    return node.IsNull() ? fallback : line_of(node.Mark());
}

// ------------------------------------------------------------- scalars

// yaml-cpp's Tag(): "?" for a plain scalar, "!" for a quoted one, else an explicit tag.
constexpr std::string_view kPlainTag = "?";
constexpr std::string_view kQuotedTag = "!";

bool is_plain(const YAML::Node& node) { return node.IsScalar() && node.Tag() == kPlainTag; }

// The booleans of the YAML 1.2 core schema (not YAML 1.1's yes, no, on, off).
std::optional<bool> boolean_of(std::string_view text) {
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    return std::nullopt;
}

bool is_one_of(std::string_view text, std::size_t i, std::string_view set) {
    return i < text.size() && set.find(text[i]) != std::string_view::npos;
}

std::size_t skip_any_of(std::string_view text, std::size_t i, std::string_view set) {
    while (is_one_of(text, i, set)) ++i;
    return i;
}

// A number of the YAML 1.2 core schema: 12, -3, 0o17, 0x1f, 2.5, 1e3 (not
// .inf or .nan: no key takes them). Which numbers a key takes is validate()'s
// to say, as for the flag.
bool is_yaml_number(std::string_view text) {
    constexpr std::string_view kDigits = "0123456789";
    constexpr std::string_view kOctal = "01234567";
    constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";
    constexpr std::string_view kSigns = "+-";
    constexpr std::size_t kRadixPrefix = 2;  // "0o", "0x"
    if (text.starts_with("0o") || text.starts_with("0x")) {
        const auto digits = text[1] == 'o' ? kOctal : kHexDigits;
        return text.size() > kRadixPrefix && skip_any_of(text, kRadixPrefix, digits) == text.size();
    }
    std::size_t i = is_one_of(text, 0, kSigns) ? 1 : 0;
    const std::size_t whole_end = skip_any_of(text, i, kDigits);
    bool has_digits = whole_end > i;
    i = whole_end;
    if (i < text.size() && text[i] == '.') {
        const std::size_t fraction_end = skip_any_of(text, i + 1, kDigits);
        has_digits = has_digits || fraction_end > i + 1;
        i = fraction_end;
    }
    if (!has_digits) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        const std::size_t exponent = is_one_of(text, i + 1, kSigns) ? i + 2 : i + 1;
        i = skip_any_of(text, exponent, kDigits);
        if (i == exponent) return false;
    }
    return i == text.size();
}

// How a message names what the file gave: "a list", "the string \"5\"".
std::string describe(const YAML::Node& node) {
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a map";
    if (!node.IsScalar()) return "nothing";
    const std::string& text = node.Scalar();
    if (node.Tag() == kQuotedTag) return "the string " + quoted(text);
    if (node.Tag() != kPlainTag) return quoted(text) + " tagged " + escaped(node.Tag());
    if (boolean_of(text)) return "the boolean " + text;
    if (is_yaml_number(text)) return "the number " + text;
    return "the string " + quoted(text);
}

// ------------------------------------------------------------- maps

// One key of a map and its value.
struct Entry {
    std::string key;
    int line;  // the key's
    YAML::Node value;
};

// Calls read() on each entry of `map` in order. A key must be text, and given
// once: yaml-cpp keeps both entries of a key given twice, and a later one would
// silently win.
void for_each_entry(const YAML::Node& map, const std::function<void(const Entry&)>& read) {
    std::map<std::string, int, std::less<>> first_lines;
    const int map_line = line_of(map, kFileLine);
    for (const auto& pair : map) {
        const int line = line_of(pair.first, map_line);
        if (!pair.first.IsScalar()) fail(line, "a key must be a name, got " + describe(pair.first));
        const std::string& key = pair.first.Scalar();
        const auto [first, fresh] = first_lines.emplace(key, line);
        if (!fresh) {
            fail(line, "'" + escaped(key) + "' is given twice (first on line " +
                           std::to_string(first->second) + ")");
        }
        read(Entry{key, line, pair.second});
    }
}

[[noreturn]] void unknown_key(const Entry& entry, const std::vector<std::string>& known) {
    std::string what = "unknown key '" + escaped(entry.key) + "'";
    if (const std::string best = nearest(entry.key, known); !best.empty()) {
        what += "; did you mean '" + best + "'?";
    }
    fail(entry.line, what);
}

// The line of a map's first key: where a target's entry begins.
int first_key_line(const YAML::Node& map) {
    const int map_line = line_of(map.Mark());
    return map.begin() == map.end() ? map_line : line_of(map.begin()->first, map_line);
}

// ------------------------------------------------------------- values

using Value = std::variant<std::string, std::vector<std::string>, bool>;

std::string read_number(const Entry& entry) {
    if (!is_plain(entry.value) || !is_yaml_number(entry.value.Scalar())) {
        fail(entry.line, entry.key + " must be a number, got " + describe(entry.value));
    }
    return entry.value.Scalar();
}

bool read_boolean(const Entry& entry) {
    const auto value = is_plain(entry.value) ? boolean_of(entry.value.Scalar()) : std::nullopt;
    if (!value) {
        fail(entry.line, entry.key + " must be true or false, got " + describe(entry.value));
    }
    return *value;
}

std::string read_text(const Entry& entry) {
    if (!entry.value.IsScalar()) {
        fail(entry.line, entry.key + " must be text, got " + describe(entry.value));
    }
    return entry.value.Scalar();
}

std::vector<std::string> read_list(const Entry& entry) {
    if (!entry.value.IsSequence()) {
        fail(entry.line, entry.key + " must be a list, got " + describe(entry.value));
    }
    std::vector<std::string> items;
    for (const auto& item : entry.value) {
        if (!item.IsScalar()) {
            fail(line_of(item, entry.line),
                 "each entry of " + entry.key + " must be text, got " + describe(item));
        }
        items.push_back(item.Scalar());
    }
    return items;
}

Value read_value(const KeySpec& spec, const Entry& entry) {
    switch (spec.kind) {
        case Kind::kNumber:
            return read_number(entry);
        case Kind::kBoolean:
            return read_boolean(entry);
        case Kind::kList:
            return read_list(entry);
        case Kind::kText:
            break;
    }
    return read_text(entry);
}

template <typename... Visitors>
struct Overloaded : Visitors... {
    using Visitors::operator()...;
};
template <typename... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

// Sets the field of `spec` to a value read_value() gave for it.
void apply(const KeySpec& spec, const Value& value, RawOptions& raw) {
    std::visit(
        Overloaded{
            [&](std::string RawOptions::*field) { raw.*field = std::get<std::string>(value); },
            [&](std::optional<std::string> RawOptions::*field) {
                raw.*field = std::get<std::string>(value);
            },
            [&](std::vector<std::string> RawOptions::*field) {
                raw.*field = std::get<std::vector<std::string>>(value);
            },
            [&](bool RawOptions::*field) { raw.*field = std::get<bool>(value); },
        },
        spec.field);
}

// ------------------------------------------------------------- targets

struct Setting {
    Value value;
    int line;
};
using Settings = std::map<std::string, Setting, std::less<>>;  // by key

enum class Section { kDefaults, kTarget };

Settings read_settings(const YAML::Node& map, Section section) {
    Settings settings;
    for_each_entry(map, [&](const Entry& entry) {
        const KeySpec* spec = find_key(entry.key);
        if (section == Section::kDefaults && spec != nullptr && spec->key == kUrlKey) {
            fail(entry.line, "url cannot be in defaults: each target gives its own");
        }
        if (spec == nullptr) {
            unknown_key(entry,
                        section == Section::kDefaults ? defaults_key_names() : target_key_names());
        }
        settings.emplace(entry.key, Setting{read_value(*spec, entry), entry.line});
    });
    return settings;
}

// A target as its entry gives it, before the defaults are merged in.
struct TargetEntry {
    Settings own;
    int line;
    std::size_t number;  // 1-based, for messages
};

std::string target_name(std::size_t number) { return "target " + std::to_string(number); }

Settings read_defaults(const Entry& entry) {
    if (!entry.value.IsMap()) {
        fail(entry.line, "defaults must be a map of target keys, got " + describe(entry.value));
    }
    return read_settings(entry.value, Section::kDefaults);
}

std::vector<TargetEntry> read_targets(const Entry& entry) {
    if (!entry.value.IsSequence()) {
        fail(entry.line, "targets must be a list, got " + describe(entry.value));
    }
    if (entry.value.size() == 0) fail(entry.line, "targets is empty: give at least one target");
    std::vector<TargetEntry> targets;
    for (const auto& item : entry.value) {
        const std::size_t number = targets.size() + 1;
        if (!item.IsMap()) {
            fail(line_of(item, entry.line),
                 target_name(number) + " must be a map of keys such as url and keep, got " +
                     describe(item));
        }
        targets.push_back(
            TargetEntry{read_settings(item, Section::kTarget), first_key_line(item), number});
    }
    return targets;
}

void check_version(const Entry& entry) {
    if (!is_plain(entry.value) || entry.value.Scalar() != kSupportedVersion) {
        fail(entry.line, "version must be 1, got " + describe(entry.value));
    }
}

// older_than and before each set the cutoff: the later of the two is the mistake.
void check_one_cutoff(const Settings& effective) {
    const auto older_than = effective.find(kOlderThanKey);
    const auto before = effective.find(kBeforeKey);
    if (older_than == effective.end() || before == effective.end()) return;
    const bool before_is_later = before->second.line >= older_than->second.line;
    const auto& later = before_is_later ? *before : *older_than;
    const auto& earlier = before_is_later ? *older_than : *before;
    fail(later.second.line, later.first + " cannot be used together with " + earlier.first +
                                " (line " + std::to_string(earlier.second.line) + ")");
}

PolicyTarget merge(const Settings& defaults, const TargetEntry& target) {
    Settings effective = target.own;
    effective.insert(defaults.begin(), defaults.end());  // keeps the target's own values
    if (!effective.contains(kUrlKey)) fail(target.line, target_name(target.number) + " has no url");
    if (!effective.contains(kKeepKey)) {
        fail(target.line,
             target_name(target.number) + " has no keep (give it here or in defaults)");
    }
    check_one_cutoff(effective);
    PolicyTarget out;
    out.line = target.line;
    for (const KeySpec& spec : kTargetKeys) {
        const auto setting = effective.find(spec.key);
        if (setting == effective.end()) continue;
        apply(spec, setting->second.value, out.raw);
        out.lines.emplace(spec.key, setting->second.line);
    }
    return out;
}

// ------------------------------------------------------------- the file

PolicyFile read_root(const YAML::Node& root, PolicySource source) {
    if (!root.IsMap() && !root.IsNull()) {
        fail(line_of(root.Mark()),
             "the policy file must be a map with version and targets, got " + describe(root));
    }
    bool has_version = false;
    bool has_targets = false;
    Settings defaults;
    std::vector<TargetEntry> targets;
    PolicyFile file;
    if (root.IsMap()) {
        for_each_entry(root, [&](const Entry& entry) {
            if (entry.key == kVersionKey) {
                check_version(entry);
                has_version = true;
            } else if (entry.key == kDefaultsKey) {
                defaults = read_defaults(entry);
            } else if (entry.key == kTargetsKey) {
                targets = read_targets(entry);
                has_targets = true;
            } else if (const KeySpec* run_key = find_run_key(entry.key);
                       run_key != nullptr && source == PolicySource::kLambdaEvent) {
                apply(*run_key, read_value(*run_key, entry), file.run);
                file.run_lines.emplace(entry.key, entry.line);
            } else {
                unknown_key(entry, top_level_names(source));
            }
        });
    }
    if (!has_version) fail(kFileLine, "version is missing (add version: 1)");
    if (!has_targets) fail(kFileLine, "targets is missing (a list of targets with url and keep)");
    for (const TargetEntry& target : targets) file.targets.push_back(merge(defaults, target));
    return file;
}

// Sees where each document of a YAML stream starts, and nothing else.
class DocumentStart final : public YAML::EventHandler {
public:
    [[nodiscard]] const YAML::Mark& mark() const { return mark_; }

    void OnDocumentStart(const YAML::Mark& mark) override { mark_ = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
    void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
    void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  const std::string& /*value*/) override {}
    void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                         YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                    YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {}
    void OnMapEnd() override {}

private:
    YAML::Mark mark_ = YAML::Mark::null_mark();
};

// Where a second document of the stream starts; nullopt when there is none.
// Not YAML::LoadAll(): in yaml-cpp 0.7 it can loop forever on a broken stream,
// allocating a null document each time (jbeder/yaml-cpp#1319, fixed after 0.8);
// asking the parser for two documents and no more is bounded.
std::optional<YAML::Mark> second_document_start(std::string_view text) {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    DocumentStart start;
    if (!parser.HandleNextDocument(start) || !parser.HandleNextDocument(start)) {
        return std::nullopt;
    }
    return start.mark();
}

// The file's one document; an empty file is a null one.
YAML::Node load_document(std::string_view text) {
    constexpr std::string_view kDocumentMarker = "---";
    YAML::Node document = YAML::Load(std::string(text));
    if (const auto start = second_document_start(text)) {
        // yaml-cpp also ends a document early at some text it cannot read.
        const auto pos = static_cast<std::size_t>(std::max(start->pos, 0));
        const bool marked = pos <= text.size() && text.substr(pos).starts_with(kDocumentMarker);
        fail(line_of(*start), marked ? "a second YAML document: a policy file is one"
                                     : "text after the end of the YAML document");
    }
    return document;
}

UsageError error_at(const std::string& file_name, int line, const std::string& what) {
    return UsageError{file_name + ":" + std::to_string(line) + ": " + what};
}

struct CloseFile {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

// The errno of the failure, 0 when all of the file is in `text`.
int read_whole_file(const std::string& path, std::string& text) {
    constexpr std::size_t kChunk = std::size_t{16} * 1024;  // a policy file takes one or two
    const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
    if (!file) return errno;
    std::array<char, kChunk> chunk{};
    std::size_t count = 0;
    while ((count = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0) {
        text.append(chunk.data(), count);
    }
    if (std::ferror(file.get()) == 0) return 0;
    return errno != 0 ? errno : EIO;
}

}  // namespace

std::variant<PolicyFile, UsageError> parse_policy(std::string_view text,
                                                  const std::string& file_name,
                                                  PolicySource source) {
    try {
        return read_root(load_document(text), source);
    } catch (const Problem& problem) {
        return error_at(file_name, problem.line, problem.what);
    } catch (const YAML::ParserException& e) {
        return error_at(file_name, line_of(e.mark), "YAML syntax error: " + escaped(e.msg));
    } catch (const YAML::Exception& e) {
        // Not expected from reading alone; still the file's fault, never a crash.
        return error_at(file_name, line_of(e.mark), "cannot read the YAML: " + escaped(e.msg));
    }
}

std::variant<PolicyFile, UsageError> read_policy_file(const std::string& path) {
    std::string text;
    if (const int error = read_whole_file(path, text); error != 0) {
        return UsageError{path + ": cannot be read: " + std::strerror(error)};
    }
    return parse_policy(text, path);
}

std::string policy_key_of_flag(std::string_view flag) {
    if (flag.empty()) return {};
    for (const KeySpec& spec : kTargetKeys) {
        if (spec.flag == flag) return std::string(spec.key);
    }
    return {};
}

}  // namespace cli
