// Unit tests for src/cli/plan_output.hpp: the plan as text and as JSON.
#include "cli/plan_output.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "retention/planner.hpp"

namespace {

using retention::Action;
using retention::Deployment;
using retention::Plan;
using retention::Policy;
using retention::Reason;
using retention::SortBy;

s3::TimePoint at(const std::string& text) {
    auto when = s3::parse_timestamp(text);
    EXPECT_TRUE(when.has_value()) << text;
    return when.value_or(s3::TimePoint{});
}

Deployment dep(const std::string& name, const std::string& newest, const std::string& oldest,
               std::uint64_t objects, std::uint64_t bytes) {
    Deployment d;
    d.name = name;
    d.prefix = "sites/" + name + "/";
    d.newest = at(newest);
    d.oldest = at(oldest);
    d.objects = objects;
    d.bytes = bytes;
    return d;
}

Plan sample_plan(std::optional<s3::TimePoint> cutoff = std::nullopt) {
    Policy policy;
    policy.keep = 2;
    policy.protect = {"release-*"};
    policy.cutoff = cutoff;
    return retention::make_plan(
        "my-bucket", "sites/",
        {dep("build-3", "2026-11-20T14:03:00Z", "2026-11-20T14:00:00Z", 12, 4096),
         dep("build-2", "2026-11-19T10:00:00Z", "2026-11-19T09:00:00Z", 10, 1536),
         dep("build-1", "2026-11-18T10:00:00Z", "2026-11-18T09:00:00Z", 9000, 3ULL << 30),
         dep("release-1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 5, 100)},
        policy);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// ------------------------------------------------------------- human_bytes

TEST(PlanOutputHumanBytes, Table) {
    struct Case {
        std::uint64_t bytes;
        std::string expected;
    };
    const Case cases[] = {
        {0, "0 B"},
        {1, "1 B"},
        {1023, "1023 B"},
        {1024, "1.0 KiB"},
        {1536, "1.5 KiB"},
        {10 * 1024, "10 KiB"},
        {1000 * 1024, "1000 KiB"},
        {1024 * 1024, "1.0 MiB"},
        {5ULL << 30, "5.0 GiB"},
        {100ULL << 30, "100 GiB"},
        {1ULL << 40, "1.0 TiB"},
        {1ULL << 50, "1.0 PiB"},
        {1ULL << 60, "1.0 EiB"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.bytes);
        EXPECT_EQ(cli::human_bytes(c.bytes), c.expected);
    }
}

TEST(PlanOutputHumanBytes, NeverShowsAFullUnitInTheSmallerOne) {
    // Rounding comes before choosing the unit: values just under a unit boundary
    // print as "1.0 MiB" (not "1024 KiB"), and just under 10 as "10 KiB".
    struct Case {
        std::uint64_t bytes;
        std::string expected;
    };
    const Case cases[] = {
        {1024 * 1024 - 1, "1.0 MiB"},   // actual: "1024 KiB"
        {(1ULL << 30) - 1, "1.0 GiB"},  // actual: "1024 MiB"
        {10 * 1024 - 1, "10 KiB"},      // actual: "10.0 KiB"
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.bytes);
        EXPECT_EQ(cli::human_bytes(c.bytes), c.expected);
    }
}

// --------------------------------------------------------------- thousands

TEST(PlanOutputThousands, Table) {
    struct Case {
        std::uint64_t value;
        std::string expected;
    };
    const Case cases[] = {
        {0, "0"},
        {7, "7"},
        {999, "999"},
        {1000, "1,000"},
        {9000, "9,000"},
        {12345, "12,345"},
        {999999, "999,999"},
        {1000000, "1,000,000"},
        {1234567890, "1,234,567,890"},
        {UINT64_MAX, "18,446,744,073,709,551,615"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.value);
        EXPECT_EQ(cli::thousands(c.value), c.expected);
    }
}

// ---------------------------------------------------------------- printable

TEST(PlanOutputPrintable, Table) {
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"", ""},
        {"plain-name_1.2", "plain-name_1.2"},
        {"a\x01"
         "b",
         "a\\x01b"},
        {"tab\there", "tab\\x09here"},
        {"new\nline", "new\\x0Aline"},
        {"cr\r", "cr\\x0D"},
        {"esc\x1b[31m", "esc\\x1B[31m"},
        {"del\x7f", "del\\x7F"},
        {std::string("nul\0x", 5), "nul\\x00x"},
        {"caf\xC3\xA9", "caf\xC3\xA9"},  // UTF-8 untouched
        {"back\\slash", "back\\slash"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        EXPECT_EQ(cli::printable(c.text), c.expected);
    }
}

// ---------------------------------------------------------------- plan_to_json

std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
    std::vector<std::string> keys;
    for (const auto& item : object.items()) keys.push_back(item.key());
    return keys;
}

TEST(PlanOutputJson, FieldNamesAndOrder) {
    const auto json = cli::plan_to_json(sample_plan(), true);
    EXPECT_EQ(keys_of(json),
              (std::vector<std::string>{"bucket", "root", "dry_run", "versioning", "purge_versions",
                                        "policy", "deployments", "ghosts", "summary"}));
    EXPECT_EQ(keys_of(json["policy"]),
              (std::vector<std::string>{"keep", "cutoff", "protect", "sort_by"}));
    ASSERT_TRUE(json["deployments"].is_array());
    ASSERT_EQ(json["deployments"].size(), 4u);
    for (const auto& d : json["deployments"]) {
        EXPECT_EQ(keys_of(d), (std::vector<std::string>{"name", "prefix", "objects", "bytes",
                                                        "newest", "oldest", "versions",
                                                        "version_bytes", "action", "reason"}));
    }
    EXPECT_EQ(keys_of(json["summary"]),
              (std::vector<std::string>{"deployments", "keep", "delete", "objects_to_delete",
                                        "bytes_to_delete"}));
}

TEST(PlanOutputJson, Values) {
    const auto json = cli::plan_to_json(sample_plan(), true);
    EXPECT_EQ(json["bucket"], "my-bucket");
    EXPECT_EQ(json["root"], "sites/");
    EXPECT_EQ(json["dry_run"], true);
    EXPECT_EQ(json["policy"]["keep"], 2);
    EXPECT_TRUE(json["policy"]["cutoff"].is_null());
    EXPECT_EQ(json["policy"]["protect"], nlohmann::ordered_json::array({"release-*"}));
    EXPECT_EQ(json["policy"]["sort_by"], "newest");

    const auto& first = json["deployments"][0];
    EXPECT_EQ(first["name"], "build-3");
    EXPECT_EQ(first["prefix"], "sites/build-3/");
    EXPECT_EQ(first["objects"], 12);
    EXPECT_EQ(first["bytes"], 4096);
    EXPECT_EQ(first["newest"], "2026-11-20T14:03:00Z");
    EXPECT_EQ(first["oldest"], "2026-11-20T14:00:00Z");
    EXPECT_EQ(first["action"], "keep");
    EXPECT_EQ(first["reason"], "newest");

    const auto& third = json["deployments"][2];
    EXPECT_EQ(third["name"], "build-1");
    EXPECT_EQ(third["action"], "delete");
    EXPECT_EQ(third["reason"], "past-keep");
    EXPECT_TRUE(third["bytes"].is_number_unsigned());
    EXPECT_EQ(third["bytes"].get<std::uint64_t>(), 3ULL << 30);

    EXPECT_EQ(json["deployments"][3]["reason"], "protected");

    EXPECT_EQ(json["summary"]["deployments"], 4);
    EXPECT_EQ(json["summary"]["keep"], 3);
    EXPECT_EQ(json["summary"]["delete"], 1);
    EXPECT_EQ(json["summary"]["objects_to_delete"], 9000);
    EXPECT_EQ(json["summary"]["bytes_to_delete"], 3ULL << 30);
}

TEST(PlanOutputJson, CutoffDryRunFalseAndEmptyProtect) {
    Policy policy;
    policy.keep = 1;
    policy.cutoff = at("2026-11-01T00:00:00Z");
    policy.sort_by = SortBy::kOldest;
    const auto plan = retention::make_plan("b-1", "", {}, policy);
    const auto json = cli::plan_to_json(plan, false);
    EXPECT_EQ(json["dry_run"], false);
    EXPECT_EQ(json["root"], "");
    EXPECT_EQ(json["policy"]["cutoff"], "2026-11-01T00:00:00Z");
    EXPECT_EQ(json["policy"]["sort_by"], "oldest");
    EXPECT_TRUE(json["policy"]["protect"].is_array());
    EXPECT_TRUE(json["policy"]["protect"].empty());
    EXPECT_TRUE(json["deployments"].is_array());
    EXPECT_TRUE(json["deployments"].empty());
    EXPECT_EQ(json["summary"]["deployments"], 0);
}

TEST(PlanOutputJson, TwoProtectGlobsStayAnArray) {
    Policy policy;
    policy.protect = {"a", "b"};
    const auto json = cli::plan_to_json(retention::make_plan("b-1", "", {}, policy), true);
    EXPECT_EQ(json["policy"]["protect"], nlohmann::ordered_json::array({"a", "b"}));
}

TEST(PlanOutputJson, ControlCharactersSurviveDump) {
    Policy policy;
    const auto plan = retention::make_plan(
        "b-1", "", {dep("ctl\x01name", "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1)},
        policy);
    const auto text = cli::plan_to_json(plan, true).dump();
    EXPECT_NE(text.find("ctl\\u0001name"), std::string::npos) << text;
    EXPECT_EQ(nlohmann::json::parse(text)["deployments"][0]["name"], "ctl\x01name");
}

// ------------------------------------------------------------- print_plan_text

TEST(PlanOutputText, OneRowPerDeploymentAndSummary) {
    std::ostringstream out;
    cli::print_plan_text(out, sample_plan());
    const auto text = out.str();
    const auto lines = lines_of(text);
    SCOPED_TRACE(text);
    // Header line, column header, 4 rows, summary.
    ASSERT_EQ(lines.size(), 7u);
    EXPECT_NE(lines[0].find("s3://my-bucket/sites/"), std::string::npos);
    EXPECT_NE(lines[0].find("keep 2"), std::string::npos);
    EXPECT_NE(lines[1].find("DEPLOYMENT"), std::string::npos);
    EXPECT_NE(lines[1].find("ACTION"), std::string::npos);

    struct Row {
        std::string name;
        std::string action;
        std::string reason;
    };
    const Row rows[] = {{"build-3", "KEEP", "newest"},
                        {"build-2", "KEEP", "newest"},
                        {"build-1", "DELETE", "past-keep"},
                        {"release-1", "KEEP", "protected"}};
    for (std::size_t i = 0; i < std::size(rows); ++i) {
        const auto& line = lines[2 + i];
        SCOPED_TRACE(line);
        EXPECT_EQ(line.rfind(rows[i].name, 0), 0u);
        EXPECT_NE(line.find(" " + rows[i].action + " "), std::string::npos);
        EXPECT_NE(line.find(rows[i].reason), std::string::npos);
        const std::string other = rows[i].action == "KEEP" ? "DELETE" : "KEEP";
        EXPECT_EQ(line.find(other), std::string::npos);
    }
    EXPECT_NE(lines[4].find("9,000"), std::string::npos);
    EXPECT_NE(lines[4].find("3.0 GiB"), std::string::npos);
    EXPECT_NE(lines[2].find("2026-11-20T14:03:00Z"), std::string::npos);

    const auto& summary = lines.back();
    EXPECT_EQ(summary.rfind("Summary:", 0), 0u);
    EXPECT_NE(summary.find("4 deployments"), std::string::npos);
    EXPECT_NE(summary.find("keep 3"), std::string::npos);
    EXPECT_NE(summary.find("delete 1"), std::string::npos);
    EXPECT_NE(summary.find("9,000 objects"), std::string::npos);
    EXPECT_NE(summary.find("3.0 GiB"), std::string::npos);
}

TEST(PlanOutputText, CutoffShownInHeader) {
    std::ostringstream out;
    cli::print_plan_text(out, sample_plan(at("2026-11-19T00:00:00Z")));
    EXPECT_NE(out.str().find("2026-11-19T00:00:00Z"), std::string::npos) << out.str();
}

TEST(PlanOutputText, SortByOldestShowsOldestColumn) {
    Policy policy;
    policy.sort_by = SortBy::kOldest;
    const auto plan = retention::make_plan(
        "my-bucket", "", {dep("a", "2026-11-20T14:03:00Z", "2026-01-02T03:04:05Z", 1, 1)}, policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    EXPECT_NE(out.str().find("OLDEST"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("2026-01-02T03:04:05Z"), std::string::npos) << out.str();
}

TEST(PlanOutputText, EmptyPlan) {
    std::ostringstream out;
    cli::print_plan_text(out, retention::make_plan("my-bucket", "sites/", {}, Policy{}));
    const auto lines = lines_of(out.str());
    SCOPED_TRACE(out.str());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(lines[1].find("No deployments"), std::string::npos);
    EXPECT_EQ(lines[2].rfind("Summary: 0 deployments", 0), 0u);
}

TEST(PlanOutputText, ControlCharactersAreEscaped) {
    Policy policy;
    const auto plan = retention::make_plan(
        "my-bucket", "",
        {dep("evil\x1b[2Jname\x01", "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1)}, policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto text = out.str();
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\x01'), std::string::npos);
    EXPECT_NE(text.find("evil\\x1B[2Jname\\x01"), std::string::npos) << text;
}

TEST(PlanOutputText, LongNamesAreNotCut) {
    // S3 keys go up to 1024 bytes, so a deployment name can be far longer than
    // a terminal line; every row must still be whole and end in a newline.
    // (Rows used to go through a fixed 512-byte snprintf buffer, which cut such a
    // row and glued the next one onto it.)
    Policy policy;
    const std::string long_name(600, 'n');
    const auto plan =
        retention::make_plan("my-bucket", "",
                             {dep(long_name, "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1),
                              dep("short", "2026-11-19T14:03:00Z", "2026-11-19T14:03:00Z", 1, 1)},
                             policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 5u) << out.str();
    EXPECT_EQ(lines[2].rfind(long_name, 0), 0u);
    EXPECT_NE(lines[2].find("KEEP"), std::string::npos);
    EXPECT_EQ(lines[3].rfind("short", 0), 0u);
    EXPECT_NE(lines[3].find("DELETE"), std::string::npos);
}

TEST(PlanOutputText, LongControlCharacterNamesAreNotCut) {
    // printable() makes each control character four bytes: 200 of them are 800.
    Policy policy;
    const std::string name = "x" + std::string(200, '\x01');
    const auto plan = retention::make_plan(
        "my-bucket", "", {dep(name, "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1)}, policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 4u) << out.str();
    EXPECT_EQ(lines[2].rfind(cli::printable(name), 0), 0u);
    EXPECT_NE(lines[2].find("KEEP"), std::string::npos);
}

TEST(PlanOutputDisplayWidth, Table) {
    struct Case {
        std::string text;
        std::size_t width;
    };
    const Case cases[] = {
        {"", 0},
        {"abc", 3},
        {"caf\xC3\xA9", 4},        // 2-byte sequence
        {"\xE2\x82\xAC", 1},       // 3-byte sequence (euro sign)
        {"\xF0\x9F\x98\x80!", 2},  // 4-byte sequence
        {"\\x01", 4},              // printable() output is plain ASCII
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(cli::display_width(c.text), c.width);
    }
}

TEST(PlanOutputPadRight, Table) {
    struct Case {
        std::string text;
        std::size_t width;
        std::string expected;
    };
    const Case cases[] = {
        {"ab", 5, "ab   "},      {"abcde", 5, "abcde"},
        {"abcdef", 3, "abcdef"},  // never cut
        {"", 2, "  "},           {"caf\xC3\xA9", 6, "caf\xC3\xA9  "},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(cli::pad_right(c.text, c.width), c.expected);
    }
}

TEST(PlanOutputText, ColumnsLineUpWithUtf8Names) {
    Policy policy;
    policy.keep = 3;
    const auto plan = retention::make_plan(
        "my-bucket", "",
        {dep("caf\xC3\xA9-build", "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1),
         dep("plain-build", "2026-11-19T14:03:00Z", "2026-11-19T14:03:00Z", 1, 1),
         dep("\xE2\x82\xAC", "2026-11-18T14:03:00Z", "2026-11-18T14:03:00Z", 1, 1)},
        policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 6u) << out.str();
    // The timestamp column starts at the same terminal column on every row.
    std::vector<std::size_t> columns;
    for (std::size_t i = 2; i < 5; ++i) {
        const auto at_time = lines[i].find("2026-11-");
        ASSERT_NE(at_time, std::string::npos) << lines[i];
        columns.push_back(cli::display_width(lines[i].substr(0, at_time)));
    }
    EXPECT_EQ(columns[0], columns[1]) << out.str();
    EXPECT_EQ(columns[1], columns[2]) << out.str();
    const auto header_column = cli::display_width(lines[1].substr(0, lines[1].find("LAST")));
    EXPECT_EQ(header_column, columns[0]) << out.str();
}

}  // namespace
