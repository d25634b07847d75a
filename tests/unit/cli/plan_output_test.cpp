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

aws::TimePoint at(const std::string& text) {
    auto when = aws::parse_timestamp(text);
    EXPECT_TRUE(when.has_value()) << text;
    return when.value_or(aws::TimePoint{});
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

Plan sample_plan(std::optional<aws::TimePoint> cutoff = std::nullopt) {
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
              (std::vector<std::string>{"format", "bucket", "root", "dry_run", "versioning",
                                        "purge_versions", "policy", "deployments", "ghosts",
                                        "empty_folders", "live", "incomplete", "summary"}));
    EXPECT_EQ(keys_of(json["policy"]),
              (std::vector<std::string>{"keep", "cutoff", "protect", "sort_by"}));
    ASSERT_TRUE(json["deployments"].is_array());
    ASSERT_EQ(json["deployments"].size(), 4u);
    for (const auto& d : json["deployments"]) {
        EXPECT_EQ(keys_of(d),
                  (std::vector<std::string>{"name", "prefix", "objects", "bytes", "newest",
                                            "oldest", "versions", "delete_markers", "version_bytes",
                                            "bytes_freed_if_deleted", "action", "reason"}));
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
    EXPECT_NE(lines[0].find(": keep the 2 newest deployments by last write;"), std::string::npos);
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

TEST(PlanOutputText, LongNamesAreShortenedInTheMiddle) {
    // S3 keys go up to 1024 bytes, so a deployment name can be far longer than
    // a terminal line: the table shows its first and last columns around "…",
    // 60 columns in all; every row stays whole and ends in a newline. (Rows used
    // to go through a fixed 512-byte snprintf buffer, which cut such a row and
    // glued the next one onto it.)
    Policy policy;
    const std::string long_name = std::string(300, 'a') + std::string(300, 'z');
    const auto plan =
        retention::make_plan("my-bucket", "",
                             {dep(long_name, "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1),
                              dep("short", "2026-11-19T14:03:00Z", "2026-11-19T14:03:00Z", 1, 1)},
                             policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 5u) << out.str();
    const std::string shown = std::string(30, 'a') + "\u2026" + std::string(29, 'z') + "  ";
    EXPECT_EQ(lines[2].rfind(shown, 0), 0u) << lines[2];
    EXPECT_NE(lines[2].find("KEEP"), std::string::npos);
    EXPECT_EQ(lines[3].rfind("short" + std::string(55, ' ') + "  2026-", 0), 0u) << lines[3];
    EXPECT_NE(lines[3].find("DELETE"), std::string::npos);
}

TEST(PlanOutputText, LongControlCharacterNamesAreShortened) {
    // printable() makes each control character four bytes: 200 of them are 800.
    Policy policy;
    const std::string name = "x" + std::string(200, '\x01');
    const auto plan = retention::make_plan(
        "my-bucket", "", {dep(name, "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1)}, policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 4u) << out.str();
    EXPECT_EQ(lines[2].rfind(cli::shorten_middle(cli::printable(name), 60) + "  2026-", 0), 0u)
        << lines[2];
    EXPECT_EQ(lines[2].rfind("x\\x01", 0), 0u) << lines[2];
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
        {"caf\xC3\xA9", 4},                           // 2-byte sequence
        {"\xE2\x82\xAC", 1},                          // 3-byte sequence (euro sign)
        {"\xF0\x9F\x98\x80!", 3},                     // 4-byte sequence, an emoji: wide
        {"\\x01", 4},                                 // printable() output is plain ASCII
        {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 6},  // 日本語: East Asian wide
        {"\xEF\xBC\xA1", 2},                          // U+FF21 fullwidth A
        {"e\xCC\x81", 1},                             // e + U+0301 combining acute
        {"\xCC\x81", 0},                              // a combining mark alone
        {"a\xE2\x80\x8B"
         "b",
         2},                      // U+200B zero width space
        {"\xE2\x80\xA6", 1},      // U+2026 horizontal ellipsis
        {"\xFF", 1},              // invalid bytes: one column each
        {"a\xC3", 2},             // truncated sequence
        {"\xC3(", 2},             // lead byte without continuation
        {"\xC0\xAF", 2},          // overlong '/'
        {"\xED\xA0\x80", 3},      // UTF-16 surrogate
        {"\xF4\x90\x80\x80", 4},  // past U+10FFFF
        {"\x80\x80", 2},          // stray continuation bytes
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(::testing::PrintToString(c.text));
        EXPECT_EQ(cli::display_width(c.text), c.width);
    }
}

TEST(PlanOutputShortenMiddle, Table) {
    const std::string kEllipsis = "\u2026";
    const std::string wide = "\xE6\x97\xA5";  // 日, two columns
    struct Case {
        const char* name;
        std::string text;
        std::size_t width;
        std::string expected;
    };
    const Case cases[] = {
        {"fits", "abcdef", 6, "abcdef"},
        {"empty", "", 3, ""},
        {"ascii", "abcdefghijklmnopqrstuvwxyz", 13, "abcdef" + kEllipsis + "uvwxyz"},
        {"even width", "abcdefghij", 6, "abc" + kEllipsis + "ij"},
        {"one column", "abc", 1, kEllipsis},
        {"combining marks stay with their letter",
         "e\xCC\x81"
         "e\xCC\x81"
         "e\xCC\x81"
         "e\xCC\x81",
         3, "e\xCC\x81" + kEllipsis + "e\xCC\x81"},
        {"wide characters are never split", wide + wide + wide + wide, 6,
         wide + kEllipsis + wide},  // 2 + 1 + 2: a third wide one would make 7
        {"a wide character at the back leaves room", "abcdefgh" + wide, 6,
         "abc" + kEllipsis + wide},
        {"invalid bytes are one column each", "\xFF\xFE\xFD\xFC\xFB", 3,
         "\xFF" + kEllipsis + "\xFB"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto got = cli::shorten_middle(c.text, c.width);
        EXPECT_EQ(got, c.expected);
        EXPECT_LE(cli::display_width(got), c.width);
    }
}

TEST(PlanOutputShortenMiddle, SixtyColumnsExactly) {
    const std::string kEllipsis = "\u2026";
    std::string ninety;
    for (int i = 0; i < 90; ++i) ninety += static_cast<char>('a' + i % 26);
    const auto got = cli::shorten_middle(ninety, 60);
    EXPECT_EQ(cli::display_width(got), 60u);
    EXPECT_EQ(got, ninety.substr(0, 30) + kEllipsis + ninety.substr(90 - 29));
    // UTF-8 names: never a partial sequence, on either side of the ellipsis.
    std::string mixed;
    for (int i = 0; i < 60; ++i) mixed += i % 2 ? "\xE6\x97\xA5" : "\xC3\xA9";
    const auto cut = cli::shorten_middle(mixed, 60);
    EXPECT_LE(cli::display_width(cut), 60u);
    EXPECT_GE(cli::display_width(cut), 59u);
    const auto at = cut.find(kEllipsis);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(mixed.rfind(cut.substr(0, at), 0), 0u);
    const auto tail = cut.substr(at + kEllipsis.size());
    EXPECT_EQ(mixed.substr(mixed.size() - tail.size()), tail);
    EXPECT_EQ(cli::display_width(cut.substr(0, at)) + 1 + cli::display_width(tail),
              cli::display_width(cut));
}

TEST(PlanOutputCounted, SingularOnlyForOne) {
    EXPECT_EQ(cli::counted(0, "object", "objects"), "0 objects");
    EXPECT_EQ(cli::counted(1, "object", "objects"), "1 object");
    EXPECT_EQ(cli::counted(2, "object", "objects"), "2 objects");
    EXPECT_EQ(cli::counted(9000, "delete marker", "delete markers"), "9,000 delete markers");
}

TEST(PlanOutputPadRight, Table) {
    struct Case {
        std::string text;
        std::size_t width;
        std::string expected;
    };
    const Case cases[] = {
        {"ab", 5, "ab   "},
        {"abcde", 5, "abcde"},
        {"abcdef", 3, "abcdef"},  // never cut
        {"", 2, "  "},
        {"\xE6\x97\xA5\xE6\x9C\xAC", 6, "\xE6\x97\xA5\xE6\x9C\xAC  "},
        {"e\xCC\x81", 3, "e\xCC\x81  "},
        {"caf\xC3\xA9", 6, "caf\xC3\xA9  "},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(cli::pad_right(c.text, c.width), c.expected);
    }
}

// The display column where each row's text after the name starts.
std::vector<std::size_t> columns_after_names(const std::vector<std::string>& rows,
                                             const std::string& marker) {
    std::vector<std::size_t> columns;
    for (const auto& row : rows) {
        const auto at = row.find(marker);
        EXPECT_NE(at, std::string::npos) << row;
        columns.push_back(cli::display_width(row.substr(0, at)));
    }
    return columns;
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
    const auto columns = columns_after_names({lines[2], lines[3], lines[4]}, "2026-11-");
    EXPECT_EQ(columns[0], columns[1]) << out.str();
    EXPECT_EQ(columns[1], columns[2]) << out.str();
    const auto header_column = cli::display_width(lines[1].substr(0, lines[1].find("LAST")));
    EXPECT_EQ(header_column, columns[0]) << out.str();
}

TEST(PlanOutputText, ColumnsLineUpWithWideLongAndCombiningNames) {
    Policy policy;
    policy.keep = 4;
    std::string ninety;
    for (int i = 0; i < 90; ++i) ninety += static_cast<char>('a' + i % 26);
    const auto plan = retention::make_plan(
        "my-bucket", "",
        {dep(ninety, "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1),
         dep("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "2026-11-19T14:03:00Z", "2026-11-19T14:03:00Z",
             1, 1),
         dep("cafe\xCC\x81", "2026-11-18T14:03:00Z", "2026-11-18T14:03:00Z", 1, 1),
         dep("plain", "2026-11-17T14:03:00Z", "2026-11-17T14:03:00Z", 1, 1)},
        policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 7u) << out.str();
    const auto columns = columns_after_names({lines[2], lines[3], lines[4], lines[5]}, "  2026-");
    for (const auto column : columns) EXPECT_EQ(column, 60u) << out.str();
    EXPECT_EQ(cli::display_width(lines[1].substr(0, lines[1].find("  LAST"))), 60u) << out.str();
    EXPECT_EQ(lines[2].rfind(cli::shorten_middle(ninety, 60), 0), 0u) << lines[2];
}

TEST(PlanOutputText, GhostColumnsLineUp) {
    Policy policy;
    auto plan = retention::make_plan(
        "my-bucket", "", {dep("a", "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 1, 1)}, policy);
    plan.versioning = retention::Versioning::kEnabled;
    for (const std::string& name : {std::string("g"), std::string(25, 'l'), std::string(70, 'x'),
                                    std::string("\xE6\x97\xA5\xE6\x9C\xAC")}) {
        Deployment ghost;
        ghost.name = name;
        ghost.prefix = name + "/";
        ghost.versions = 1;
        ghost.delete_markers = name.size() == 1 ? 1 : 2;
        ghost.version_bytes = 10;
        plan.ghosts.push_back(ghost);
    }
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const auto lines = lines_of(out.str());
    std::vector<std::string> rows;
    for (const auto& line : lines) {
        if (line.find(" version, ") != std::string::npos) rows.push_back(line);
    }
    ASSERT_EQ(rows.size(), 4u) << out.str();
    // "  NAME  1 version, ...": the counts start at one column, past the widest name (60).
    for (const auto column : columns_after_names(rows, "  1 version, ")) {
        EXPECT_EQ(column, 2u + 60u) << out.str();
    }
    EXPECT_NE(rows[0].find("1 version, 1 delete marker, "), std::string::npos) << rows[0];
    EXPECT_NE(rows[1].find("1 version, 2 delete markers, "), std::string::npos) << rows[1];
}

TEST(PlanOutputText, SingularCounts) {
    Policy policy;
    policy.keep = 1;
    const auto plan =
        retention::make_plan("my-bucket", "",
                             {dep("new", "2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z", 3, 1),
                              dep("old", "2026-11-19T14:03:00Z", "2026-11-19T14:03:00Z", 1, 1)},
                             policy);
    std::ostringstream out;
    cli::print_plan_text(out, plan);
    EXPECT_NE(out.str().find("Summary: 2 deployments, keep 1, delete 1 (1 object, 1 B)\n"),
              std::string::npos)
        << out.str();
    std::ostringstream one;
    cli::print_plan_text(
        one, retention::make_plan("my-bucket", "", {plan.decisions[0].deployment}, policy));
    EXPECT_NE(one.str().find("Summary: 1 deployment, keep 1, delete 0 (0 objects, 0 B)\n"),
              std::string::npos)
        << one.str();
}

}  // namespace

// --expire-with-lifecycle's section under the table, every kind of line in it,
// and the line that names a CloudFront origin as the source of a live deployment.
TEST(PlanOutputText, LifecycleSectionAndCloudFrontLiveLine) {
    Plan plan = sample_plan();
    plan.decisions[2].action = Action::kExpiring;  // build-1: its rule is 3 days old
    retention::LifecycleChange change;
    change.planned_at = at("2026-11-23T12:00:00Z");
    plan.decisions[2].rule.created = at("2026-11-20T11:00:00Z");
    retention::LifecycleRule owned;
    owned.id = "s3-cleanup:20261101T000000Z:0123456789ab";
    owned.owned = true;
    owned.prefix = "sites/build-2/";
    change.remove.push_back({owned, "build-2", "newest"});
    owned.prefix = "sites/gone/";
    change.retire.push_back({owned, "", ""});
    change.pending.push_back({owned, "build-1", ""});
    change.by_requests = {{"tiny", retention::ByRequests::kSmall},
                          {"late", retention::ByRequests::kLimit},
                          {"odd", retention::ByRequests::kNotCarriable},
                          {"busy", retention::ByRequests::kWrittenDuring}};
    change.rules_before = 3;
    change.rules_after = 2;
    change.limit = 1000;
    plan.lifecycle = change;
    Deployment markers;
    markers.name = "old";
    markers.delete_markers = 2;
    plan.leftover_markers.push_back(markers);
    retention::LiveSource cloudfront;
    cloudfront.distribution = "E2QWRUHAPOMQZL";
    cloudfront.origin_id = "site";
    cloudfront.origin_path = "/sites/build-2";
    cloudfront.deployments = {"build-2"};
    plan.live.push_back(cloudfront);

    std::ostringstream out;
    cli::print_plan_text(out, plan);
    const std::string text = out.str();
    EXPECT_NE(text.find("rule 3d old: expires within ~48 h of it"), std::string::npos) << text;
    EXPECT_NE(text.find("Live: build-2 (CloudFront E2QWRUHAPOMQZL, origin site, origin path "
                        "/sites/build-2)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Lifecycle: 0 rules to add, 1 to remove (deployments kept now), 1 to "
                        "retire (nothing left under them), 1 pending; the configuration: 3 → 2 "
                        "rules (limit 1,000)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  remove s3-cleanup:20261101T000000Z:0123456789ab (sites/build-2/): "
                        "build-2 is kept now (newest)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  old: its rule left 2 delete markers alone, deleted by version id"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  retire s3-cleanup:20261101T000000Z:0123456789ab (sites/gone/): nothing "
                        "is left under it"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  S3 runs lifecycle rules asynchronously"), std::string::npos) << text;
    for (const char* line : {"  tiny: deleted with requests (it is small)",
                             "  late: deleted with requests (the configuration is full)",
                             "  odd: deleted with requests (its prefix cannot travel in XML)",
                             "  busy: deleted with requests (objects were written under it "
                             "during the run)"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
    }
}

// How long ago a pending rule was written, in the largest whole unit.
TEST(PlanOutputText, RuleAgesInTheirLargestUnit) {
    for (const auto& [created, age] :
         std::vector<std::pair<const char*, const char*>>{{"2026-11-23T11:59:20Z", "40s"},
                                                          {"2026-11-23T11:48:00Z", "12m"},
                                                          {"2026-11-23T07:00:00Z", "5h"},
                                                          {"2026-11-13T12:00:00Z", "10d"}}) {
        Plan plan = sample_plan();
        plan.decisions[2].action = Action::kExpiring;
        plan.decisions[2].rule.created = at(created);
        retention::LifecycleChange change;
        change.planned_at = at("2026-11-23T12:00:00Z");
        plan.lifecycle = change;
        std::ostringstream out;
        cli::print_plan_text(out, plan);
        EXPECT_NE(out.str().find(std::string("rule ") + age + " old"), std::string::npos)
            << created << "\n"
            << out.str();
    }
}
