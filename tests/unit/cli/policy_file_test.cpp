// Unit tests for src/cli/policy_file.hpp (the --config policy file) and
// src/cli/suggest.hpp (the "did you mean" it shares with the command line).
#include "cli/policy_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "cli/suggest.hpp"

namespace {

using cli::parse_policy;
using cli::PolicyFile;
using cli::PolicyTarget;
using cli::UsageError;

constexpr const char* kFile = "policy.yaml";

// The example of the format's description, line for line.
constexpr const char* kExample = R"(version: 1
defaults:                 # any target key; a target's own value wins
  keep: 5
  region: eu-west-1
targets:
  - url: s3://site-prod/
    keep: 10
    older_than: 30d
    protect: ["release-*"]
    protect_cloudfront: [E2QWRUHAPOMQZL]
    protect_referenced_by: [index.html]
  - url: s3://web/apps/*/            # 3 per app, new apps included
    keep: 3
    sort_by: name
  - url: s3://artifacts/serverless/*/*/
    purge_versions: true
    profile: artifacts
    endpoint_url: https://minio.internal:9000
)";

// The targets of a file that must parse.
std::vector<PolicyTarget> targets_of(const std::string& text) {
    auto parsed = parse_policy(text, kFile);
    if (const auto* error = std::get_if<UsageError>(&parsed)) {
        ADD_FAILURE() << "rejected: " << error->message << "\n" << text;
        return {};
    }
    return std::get<PolicyFile>(parsed).targets;
}

// The one target of `version: 1` and `targets:` with the given entry.
PolicyTarget only_target(const std::string& entry) {
    const auto targets = targets_of("version: 1\ntargets:\n  - " + entry);
    if (targets.size() != 1) {
        ADD_FAILURE() << "expected one target of: " << entry;
        return {};
    }
    return targets.front();
}

std::string error_of(const std::string& text) {
    const auto parsed = parse_policy(text, kFile);
    if (!std::holds_alternative<UsageError>(parsed)) return "(accepted)";
    return std::get<UsageError>(parsed).message;
}

// ------------------------------------------------------------- accepted

TEST(PolicyFileExample, ParsesToThreeTargetsWithDefaultsMerged) {
    const auto targets = targets_of(kExample);
    ASSERT_EQ(targets.size(), 3U);

    const auto& prod = targets[0].raw;
    EXPECT_EQ(targets[0].line, 6);
    EXPECT_EQ(prod.url, "s3://site-prod/");
    EXPECT_EQ(prod.keep, "10");  // its own beats the defaults' 5
    EXPECT_EQ(prod.older_than, "30d");
    EXPECT_EQ(prod.protect, std::vector<std::string>{"release-*"});
    EXPECT_EQ(prod.protect_cloudfront, std::vector<std::string>{"E2QWRUHAPOMQZL"});
    EXPECT_EQ(prod.protect_referenced_by, std::vector<std::string>{"index.html"});
    EXPECT_EQ(prod.region, "eu-west-1");
    EXPECT_FALSE(prod.purge_versions);
    EXPECT_FALSE(prod.before.has_value());
    EXPECT_FALSE(prod.profile.has_value());
    const std::map<std::string, int> prod_lines{{"url", 6},
                                                {"keep", 7},
                                                {"older_than", 8},
                                                {"protect", 9},
                                                {"region", 4},
                                                {"protect_cloudfront", 10},
                                                {"protect_referenced_by", 11}};
    EXPECT_EQ(targets[0].lines, prod_lines);

    const auto& web = targets[1].raw;
    EXPECT_EQ(targets[1].line, 12);
    EXPECT_EQ(web.url, "s3://web/apps/*/");
    EXPECT_EQ(web.keep, "3");
    EXPECT_EQ(web.sort_by, "name");
    EXPECT_EQ(web.region, "eu-west-1");
    EXPECT_TRUE(web.protect.empty());
    const std::map<std::string, int> web_lines{
        {"url", 12}, {"keep", 13}, {"sort_by", 14}, {"region", 4}};
    EXPECT_EQ(targets[1].lines, web_lines);

    const auto& artifacts = targets[2].raw;
    EXPECT_EQ(targets[2].line, 15);
    EXPECT_EQ(artifacts.url, "s3://artifacts/serverless/*/*/");
    EXPECT_EQ(artifacts.keep, "5");  // the defaults'
    EXPECT_TRUE(artifacts.purge_versions);
    EXPECT_EQ(artifacts.profile, "artifacts");
    EXPECT_EQ(artifacts.endpoint_url, "https://minio.internal:9000");
    EXPECT_EQ(artifacts.region, "eu-west-1");
    const std::map<std::string, int> artifacts_lines{
        {"url", 15},     {"keep", 3},          {"purge_versions", 16},
        {"profile", 17}, {"endpoint_url", 18}, {"region", 4}};
    EXPECT_EQ(targets[2].lines, artifacts_lines);
}

TEST(PolicyFileValues, NumbersStayTextForValidate) {
    const auto target = only_target("{url: s3://b/, keep: 7, max_attempts: 3, timeout: 45}");
    EXPECT_EQ(target.raw.keep, "7");
    EXPECT_EQ(target.raw.max_attempts, "3");
    EXPECT_EQ(target.raw.timeout, "45");
    // Numbers of any YAML form reach validate(), which judges them as on the
    // command line (--keep 0, --keep 2.5).
    EXPECT_EQ(only_target("{url: s3://b/, keep: 0}").raw.keep, "0");
    EXPECT_EQ(only_target("{url: s3://b/, keep: -1}").raw.keep, "-1");
    EXPECT_EQ(only_target("{url: s3://b/, keep: 2.5}").raw.keep, "2.5");
    EXPECT_EQ(only_target("{url: s3://b/, keep: 0x10}").raw.keep, "0x10");
    EXPECT_EQ(only_target("{url: s3://b/, keep: 1e3}").raw.keep, "1e3");
}

TEST(PolicyFileValues, Booleans) {
    auto target = only_target(
        "{url: s3://b/, keep: 1, purge_versions: true, bypass_governance_retention: True}");
    EXPECT_TRUE(target.raw.purge_versions);
    EXPECT_TRUE(target.raw.bypass_governance_retention);
    target = only_target("{url: s3://b/, keep: 1, purge_versions: FALSE}");
    EXPECT_FALSE(target.raw.purge_versions);
    EXPECT_EQ(target.lines.count("purge_versions"), 1U);
}

TEST(PolicyFileValues, ListsInBothStyles) {
    const auto targets = targets_of(R"(version: 1
targets:
  - url: s3://b/
    keep: 2
    protect:
      - "release-*"
      - 'hotfix-*'
      - v1
    protect_cloudfront: []
)");
    ASSERT_EQ(targets.size(), 1U);
    EXPECT_EQ(targets[0].raw.protect, (std::vector<std::string>{"release-*", "hotfix-*", "v1"}));
    EXPECT_TRUE(targets[0].raw.protect_cloudfront.empty());
    EXPECT_EQ(targets[0].lines.at("protect"), 5);  // the key's line, not an item's
    EXPECT_EQ(targets[0].lines.at("protect_cloudfront"), 9);
}

TEST(PolicyFileValues, TargetListReplacesTheDefaults) {
    const auto targets = targets_of(R"(version: 1
defaults: {keep: 2, protect: [a, b]}
targets:
  - {url: s3://one/}
  - {url: s3://two/, protect: []}
  - {url: s3://three/, protect: [c]}
)");
    ASSERT_EQ(targets.size(), 3U);
    EXPECT_EQ(targets[0].raw.protect, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(targets[0].lines.at("protect"), 2);
    EXPECT_TRUE(targets[1].raw.protect.empty());
    EXPECT_EQ(targets[1].lines.at("protect"), 5);
    EXPECT_EQ(targets[2].raw.protect, std::vector<std::string>{"c"});
}

TEST(PolicyFileValues, TextKeys) {
    const auto target = only_target(
        "{url: 's3://b/x/', keep: 1, before: \"2026-01-31T00:00:00Z\", region: 123, "
        "addressing_style: path, expected_bucket_owner: 111122223333, ca_bundle: /etc/ca.pem}");
    EXPECT_EQ(target.raw.url, "s3://b/x/");
    EXPECT_EQ(target.raw.before, "2026-01-31T00:00:00Z");
    EXPECT_EQ(target.raw.region, "123");  // text keys take any scalar: validate() judges
    EXPECT_EQ(target.raw.addressing_style, "path");
    EXPECT_EQ(target.raw.expected_bucket_owner, "111122223333");
    EXPECT_EQ(target.raw.ca_bundle, "/etc/ca.pem");
    EXPECT_FALSE(target.raw.sort_by.has_value());  // not given: the command line's default
}

TEST(PolicyFileValues, CommentsAndQuotedKeys) {
    const auto targets = targets_of(R"(# the policy of the web team
version: 1

targets:
  # production
  - "url": s3://b/
    'keep': 4   # four
)");
    ASSERT_EQ(targets.size(), 1U);
    EXPECT_EQ(targets[0].line, 6);
    EXPECT_EQ(targets[0].raw.keep, "4");
    EXPECT_EQ(targets[0].lines.at("keep"), 7);
}

TEST(PolicyFileValues, TargetLineIsItsFirstKey) {
    const auto targets = targets_of("version: 1\ntargets:\n  -\n    url: s3://b/\n    keep: 1\n");
    ASSERT_EQ(targets.size(), 1U);
    EXPECT_EQ(targets[0].line, 4);
}

TEST(PolicyFileValues, KeysInAnyOrder) {
    const auto targets =
        targets_of("targets:\n  - {url: s3://b/, keep: 1}\ndefaults: {region: x}\nversion: 1\n");
    ASSERT_EQ(targets.size(), 1U);
    EXPECT_EQ(targets[0].raw.region, "x");
}

// ------------------------------------------------------------- rejected

struct BadFile {
    const char* name;
    std::string text;
    int line;
    std::string message;  // after "policy.yaml:LINE: "
};

void PrintTo(const BadFile& c, std::ostream* os) { *os << c.name; }

class PolicyFileRejectTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(PolicyFileRejectTest, NamesLineAndProblem) {
    const auto& c = GetParam();
    const std::string message = error_of(c.text);
    EXPECT_EQ(message, std::string(kFile) + ":" + std::to_string(c.line) + ": " + c.message)
        << c.text;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line";
}

// A file around one target entry (its lines: 1 version, 2 targets, 3 the entry).
std::string with_target(const std::string& entry) { return "version: 1\ntargets:\n  - " + entry; }

INSTANTIATE_TEST_SUITE_P(
    PolicyFile, PolicyFileRejectTest,
    ::testing::Values(
        // YAML itself
        BadFile{"SyntaxUnclosedFlow", "version: 1\ntargets: [\n  {url: s3://b/\n", 4,
                "YAML syntax error: end of map flow not found"},
        BadFile{"SyntaxBadIndent", "version: 1\ntargets:\n  - url: s3://b/\n   keep: 1\n", 4,
                "YAML syntax error: end of sequence not found"},
        BadFile{"SyntaxUnknownAnchor", "version: 1\ntargets: *nowhere\n", 2,
                "YAML syntax error: the referenced anchor is not defined"},
        BadFile{"SecondDocument",
                "version: 1\ntargets: [{url: s3://b/, keep: 1}]\n---\nversion: 1\n", 3,
                "a second YAML document: a policy file is one"},
        BadFile{"TextAfterTheDocument", "version: 1\n...\ntargets: []\n", 3,
                "text after the end of the YAML document"},
        // yaml-cpp 0.7's LoadAll() loops forever, allocating, on this one (yaml-cpp#1319).
        BadFile{"StrayComma", "\n,\n    ", 2, "text after the end of the YAML document"},
        // The file's shape
        BadFile{"EmptyFile", "", 1, "version is missing (add version: 1)"},
        BadFile{"OnlyComments", "# nothing yet\n", 1, "version is missing (add version: 1)"},
        BadFile{"RootIsAList", "- url: s3://b/\n", 1,
                "the policy file must be a map with version and targets, got a list"},
        BadFile{"RootIsText", "hello\n", 1,
                "the policy file must be a map with version and targets, got the string "
                "\"hello\""},
        BadFile{"VersionMissing", "targets: [{url: s3://b/, keep: 1}]\n", 1,
                "version is missing (add version: 1)"},
        BadFile{"VersionTwo", "version: 2\ntargets: [{url: s3://b/, keep: 1}]\n", 1,
                "version must be 1, got the number 2"},
        BadFile{"VersionQuoted", "\nversion: \"1\"\n", 2,
                "version must be 1, got the string \"1\""},
        BadFile{"VersionFraction", "version: 1.0\n", 1, "version must be 1, got the number 1.0"},
        BadFile{"VersionEmpty", "version:\ntargets: []\n", 1, "version must be 1, got nothing"},
        BadFile{"TargetsMissing", "version: 1\ndefaults: {keep: 1}\n", 1,
                "targets is missing (a list of targets with url and keep)"},
        BadFile{"TargetsAMap", "version: 1\ntargets:\n  url: s3://b/\n", 2,
                "targets must be a list, got a map"},
        BadFile{"TargetsEmpty", "version: 1\ntargets: []\n", 2,
                "targets is empty: give at least one target"},
        BadFile{"TargetsNothing", "version: 1\ntargets:\n", 2,
                "targets must be a list, got nothing"},
        BadFile{"TargetIsText", "version: 1\ntargets:\n  - {url: s3://a/, keep: 1}\n  - s3://b/\n",
                4,
                "target 2 must be a map of keys such as url and keep, got the string "
                "\"s3://b/\""},
        BadFile{"TargetIsAList", with_target("[s3://b/, 3]\n"), 3,
                "target 1 must be a map of keys such as url and keep, got a list"},
        BadFile{"TargetIsEmpty", "version: 1\ntargets:\n  -\n  - {url: s3://b/, keep: 1}\n", 2,
                "target 1 must be a map of keys such as url and keep, got nothing"},
        BadFile{"DefaultsAList", "version: 1\ndefaults: [keep]\n", 2,
                "defaults must be a map of target keys, got a list"},
        // Keys
        BadFile{"UnknownTopLevel", "version: 1\ntarget: []\n", 2,
                "unknown key 'target'; did you mean 'targets'?"},
        BadFile{"UnknownFarFromAll", "version: 1\nwhatever: 3\n", 2, "unknown key 'whatever'"},
        BadFile{"UnknownInTarget", with_target("url: s3://b/\n    kep: 3\n"), 4,
                "unknown key 'kep'; did you mean 'keep'?"},
        BadFile{"UnknownCutShort", with_target("{url: s3://b/, keep: 1, protect_ref: [a]}\n"), 3,
                "unknown key 'protect_ref'; did you mean 'protect_referenced_by'?"},
        BadFile{"UnknownDashed", with_target("{url: s3://b/, keep: 1, older-than: 3d}\n"), 3,
                "unknown key 'older-than'; did you mean 'older_than'?"},
        BadFile{"UnknownInDefaults", "version: 1\ndefaults:\n  keep: 1\n  regoin: x\n", 4,
                "unknown key 'regoin'; did you mean 'region'?"},
        BadFile{"UnknownEscaped", with_target("{url: s3://b/, \"k\\tep\": 1}\n"), 3,
                "unknown key 'k\\tep'; did you mean 'keep'?"},
        BadFile{"UnknownNewline", with_target("{url: s3://b/, \"a\\nb\": 1}\n"), 3,
                "unknown key 'a\\nb'"},
        BadFile{"UrlInDefaults", "version: 1\ndefaults:\n  url: s3://b/\n", 3,
                "url cannot be in defaults: each target gives its own"},
        BadFile{"KeyTwice", with_target("url: s3://b/\n    keep: 1\n    keep: 2\n"), 5,
                "'keep' is given twice (first on line 4)"},
        BadFile{"KeyTwiceTopLevel", "version: 1\nversion: 1\n", 2,
                "'version' is given twice (first on line 1)"},
        BadFile{"KeyTwiceInFlow", with_target("{url: s3://a/, url: s3://b/, keep: 1}\n"), 3,
                "'url' is given twice (first on line 3)"},
        BadFile{"KeyNotAName", with_target("url: s3://b/\n    ? [keep]\n    : 1\n"), 4,
                "a key must be a name, got a list"},
        // Types
        BadFile{"KeepQuoted", with_target("{url: s3://b/, keep: \"5\"}\n"), 3,
                "keep must be a number, got the string \"5\""},
        BadFile{"KeepSingleQuoted", with_target("{url: s3://b/, keep: '5'}\n"), 3,
                "keep must be a number, got the string \"5\""},
        BadFile{"KeepAWord", with_target("{url: s3://b/, keep: five}\n"), 3,
                "keep must be a number, got the string \"five\""},
        BadFile{"KeepABoolean", with_target("{url: s3://b/, keep: true}\n"), 3,
                "keep must be a number, got the boolean true"},
        BadFile{"KeepAList", with_target("url: s3://b/\n    keep: [5]\n"), 4,
                "keep must be a number, got a list"},
        BadFile{"KeepEmpty", with_target("url: s3://b/\n    keep:\n    region: x\n"), 4,
                "keep must be a number, got nothing"},
        BadFile{"KeepTagged", with_target("{url: s3://b/, keep: !!int 5}\n"), 3,
                "keep must be a number, got \"5\" tagged tag:yaml.org,2002:int"},
        BadFile{"MaxAttemptsQuoted", with_target("{url: s3://b/, keep: 1, max_attempts: \"3\"}\n"),
                3, "max_attempts must be a number, got the string \"3\""},
        BadFile{"TimeoutAMap", with_target("url: s3://b/\n    keep: 1\n    timeout: {s: 3}\n"), 5,
                "timeout must be a number, got a map"},
        BadFile{"BooleanYes", with_target("{url: s3://b/, keep: 1, purge_versions: yes}\n"), 3,
                "purge_versions must be true or false, got the string \"yes\""},
        BadFile{"BooleanQuoted",
                with_target("{url: s3://b/, keep: 1, bypass_governance_retention: \"true\"}\n"), 3,
                "bypass_governance_retention must be true or false, got the string \"true\""},
        BadFile{"BooleanNumber", with_target("{url: s3://b/, keep: 1, purge_versions: 1}\n"), 3,
                "purge_versions must be true or false, got the number 1"},
        BadFile{"ListAsText", with_target("{url: s3://b/, keep: 1, protect: release-*}\n"), 3,
                "protect must be a list, got the string \"release-*\""},
        BadFile{"ListOfLists",
                with_target("url: s3://b/\n    keep: 1\n    protect:\n      - a\n      - [b]\n"), 7,
                "each entry of protect must be text, got a list"},
        BadFile{"ListWithEmptyEntry",
                with_target("url: s3://b/\n    keep: 1\n    protect_cloudfront: [E1, ~]\n"), 5,
                "each entry of protect_cloudfront must be text, got nothing"},
        BadFile{"ListAMap", with_target("{url: s3://b/, keep: 1, protect_referenced_by: {a: 1}}\n"),
                3, "protect_referenced_by must be a list, got a map"},
        BadFile{"TextAList", with_target("url: [s3://a/, s3://b/]\n"), 3,
                "url must be text, got a list"},
        BadFile{"TextAMap", "version: 1\ndefaults:\n  region: {name: x}\n", 3,
                "region must be text, got a map"},
        BadFile{"TextEmpty", with_target("{url: s3://b/, keep: 1, profile: }\n"), 3,
                "profile must be text, got nothing"},
        // What a target needs, defaults merged
        BadFile{"NoUrl", "version: 1\ntargets:\n  - {url: s3://a/, keep: 1}\n  - keep: 2\n", 4,
                "target 2 has no url"},
        BadFile{"NoKeep", "version: 1\ndefaults: {region: x}\ntargets:\n  - url: s3://b/\n", 4,
                "target 1 has no keep (give it here or in defaults)"},
        BadFile{"EmptyTarget", "version: 1\ntargets:\n  - {}\n", 3, "target 1 has no url"},
        BadFile{"OlderThanAndBefore",
                with_target("url: s3://b/\n    keep: 1\n    older_than: 3d\n    before: "
                            "2026-01-01T00:00:00Z\n"),
                6, "before cannot be used together with older_than (line 5)"},
        BadFile{"BeforeInDefaultsOlderThanInTarget",
                "version: 1\ndefaults:\n  before: 2026-01-01T00:00:00Z\ntargets:\n"
                "  - {url: s3://b/, keep: 1, older_than: 3d}\n",
                5, "older_than cannot be used together with before (line 3)"},
        BadFile{"OlderThanInDefaultsAfterTargets",
                "version: 1\ntargets:\n  - {url: s3://b/, keep: 1, before: 2026-01-01}\n"
                "defaults:\n  older_than: 3d\n",
                5, "older_than cannot be used together with before (line 3)"},
        // The first problem wins
        BadFile{"FirstProblemWins", with_target("{url: s3://b/, kep: 1, keep: \"1\"}\n"), 3,
                "unknown key 'kep'; did you mean 'keep'?"},
        BadFile{"ShapeBeforeMerge",
                "version: 1\ntargets:\n  - keep: 1\n  - {url: s3://b/, keep: \"1\"}\n", 4,
                "keep must be a number, got the string \"1\""}),
    [](const ::testing::TestParamInfo<BadFile>& param) { return std::string(param.param.name); });

TEST(PolicyFileReject, NamesTheFileAsGiven) {
    const auto parsed = parse_policy("version: 3\n", "/etc/s3-cleanup/web.yaml");
    ASSERT_TRUE(std::holds_alternative<UsageError>(parsed));
    EXPECT_EQ(std::get<UsageError>(parsed).message,
              "/etc/s3-cleanup/web.yaml:1: version must be 1, got the number 3");
}

TEST(PolicyFileReject, OddBytesAreAUsageError) {
    // Bytes yaml-cpp rejects in ways of its own: each must be a usage error on one line.
    const std::vector<std::string> inputs{std::string("\0\xff\xfe", 3),
                                          "\t\t:\n",
                                          "{{{{{{[[[[",
                                          "&a [*a]",
                                          "version: &v 1\ntargets: *v\n",
                                          std::string(5000, '[')};
    for (const auto& input : inputs) {
        const auto parsed = parse_policy(input, kFile);
        if (const auto* error = std::get_if<UsageError>(&parsed)) {
            EXPECT_EQ(error->message.rfind("policy.yaml:", 0), 0U) << error->message;
            EXPECT_EQ(error->message.find('\n'), std::string::npos) << error->message;
        } else {
            ADD_FAILURE() << "accepted: " << ::testing::PrintToString(input);
        }
    }
}

// ------------------------------------------------------------- reading the file

class PolicyFileRead : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("policy_file_test_" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(PolicyFileRead, ReadsAndParses) {
    const auto path = (dir_ / "policy.yaml").string();
    std::ofstream(path) << kExample;
    const auto parsed = cli::read_policy_file(path);
    ASSERT_TRUE(std::holds_alternative<PolicyFile>(parsed)) << std::get<UsageError>(parsed).message;
    EXPECT_EQ(std::get<PolicyFile>(parsed).targets.size(), 3U);
}

TEST_F(PolicyFileRead, MessagesNameThePath) {
    const auto path = (dir_ / "bad.yaml").string();
    std::ofstream(path) << "version: 1\ntargets: []\n";
    const auto parsed = cli::read_policy_file(path);
    ASSERT_TRUE(std::holds_alternative<UsageError>(parsed));
    EXPECT_EQ(std::get<UsageError>(parsed).message,
              path + ":2: targets is empty: give at least one target");
}

TEST_F(PolicyFileRead, MissingFile) {
    const auto path = (dir_ / "nope.yaml").string();
    const auto parsed = cli::read_policy_file(path);
    ASSERT_TRUE(std::holds_alternative<UsageError>(parsed));
    EXPECT_EQ(std::get<UsageError>(parsed).message,
              path + ": cannot be read: No such file or directory");
}

TEST_F(PolicyFileRead, Directory) {
    const auto parsed = cli::read_policy_file(dir_.string());
    ASSERT_TRUE(std::holds_alternative<UsageError>(parsed));
    EXPECT_EQ(std::get<UsageError>(parsed).message,
              dir_.string() + ": cannot be read: Is a directory");
}

// ------------------------------------------------------------- flags and suggestions

TEST(PolicyKeyOfFlag, LongFlagsOfPolicyKeys) {
    EXPECT_EQ(cli::policy_key_of_flag("--keep"), "keep");
    EXPECT_EQ(cli::policy_key_of_flag("--older-than"), "older_than");
    EXPECT_EQ(cli::policy_key_of_flag("--protect-referenced-by"), "protect_referenced_by");
    EXPECT_EQ(cli::policy_key_of_flag("--bypass-governance-retention"),
              "bypass_governance_retention");
    EXPECT_EQ(cli::policy_key_of_flag("--expected-bucket-owner"), "expected_bucket_owner");
    EXPECT_EQ(cli::policy_key_of_flag("--ca-bundle"), "ca_bundle");
    EXPECT_EQ(cli::policy_key_of_flag("--max-attempts"), "max_attempts");
}

TEST(PolicyKeyOfFlag, EmptyForOtherFlags) {
    EXPECT_EQ(cli::policy_key_of_flag("--output"), "");
    EXPECT_EQ(cli::policy_key_of_flag("--concurrency"), "");
    EXPECT_EQ(cli::policy_key_of_flag("--older_than"), "");
    EXPECT_EQ(cli::policy_key_of_flag("keep"), "");
    EXPECT_EQ(cli::policy_key_of_flag("--url"), "");  // the URL is an argument, no flag
    EXPECT_EQ(cli::policy_key_of_flag(""), "");
}

TEST(PolicySuggestNearest, Table) {
    const std::vector<std::string> known{"keep", "older_than", "protect", "protect_cloudfront",
                                         "region"};
    EXPECT_EQ(cli::nearest("kep", known), "keep");
    EXPECT_EQ(cli::nearest("Keep", known), "keep");
    EXPECT_EQ(cli::nearest("kepe", known), "keep");  // 2 edits
    EXPECT_EQ(cli::nearest("olderthan", known), "older_than");
    EXPECT_EQ(cli::nearest("protect_cloud", known), "protect_cloudfront");  // a prefix
    EXPECT_EQ(cli::nearest("protec", known), "protect");  // the fewer edits of two prefixes
    EXPECT_EQ(cli::nearest("kxxp", known), "keep");
    EXPECT_EQ(cli::nearest("kxxx", known), "");  // 3 edits
    EXPECT_EQ(cli::nearest("zone", known), "");
    EXPECT_EQ(cli::nearest("", known), "");
    EXPECT_EQ(cli::nearest("keep", {}), "");
}

TEST(PolicySuggestNearest, TiesGoToTheEarlier) {
    EXPECT_EQ(cli::nearest("ab", {"ax", "ay"}), "ax");
    EXPECT_EQ(cli::nearest("ab", {"ay", "ax"}), "ay");
}

}  // namespace
