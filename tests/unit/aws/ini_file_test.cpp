// Unit tests for src/aws/ini_file.hpp: the INI dialect of ~/.aws/config and
// ~/.aws/credentials.
#include "aws/ini_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using aws::IniParseError;
using aws::IniSections;

// A fresh directory under ::testing::TempDir(), removed at the end of the test.
class IniTempDir {
public:
    IniTempDir() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::path(::testing::TempDir()) / ("s3c_ini_" + std::to_string(::getpid()) + "_" +
                                                  info->name() + "_" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~IniTempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    IniTempDir(const IniTempDir&) = delete;
    IniTempDir& operator=(const IniTempDir&) = delete;

    std::string write(const std::string& name, const std::string& content) const {
        const auto file = path_ / name;
        std::ofstream out(file, std::ios::binary);
        out << content;
        return file.string();
    }
    std::string path(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

// ------------------------------------------------------------- parse_ini

struct IniCase {
    const char* name;
    std::string text;
    IniSections expected;
};

void PrintTo(const IniCase& c, std::ostream* os) { *os << c.name; }

class IniParseTest : public ::testing::TestWithParam<IniCase> {};

TEST_P(IniParseTest, Parses) {
    const auto& c = GetParam();
    EXPECT_EQ(aws::parse_ini(c.text, "test.ini"), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, IniParseTest,
    ::testing::Values(
        IniCase{"empty", "", {}},
        IniCase{"only_comments_and_blanks", "# one\n; two\n\n   \n\t# indented comment\n", {}},
        IniCase{
            "one_section",
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
            {{"default", {{"aws_access_key_id", "AKID"}, {"aws_secret_access_key", "SECRET"}}}}},
        IniCase{"no_trailing_newline",
                "[default]\nregion=eu-west-1",
                {{"default", {{"region", "eu-west-1"}}}}},
        IniCase{"whitespace_trimmed",
                "  [ default ]  \n   region   =   eu-west-1   \n\tkey\t=\tvalue\t\n",
                {{"default", {{"region", "eu-west-1"}, {"key", "value"}}}}},
        IniCase{"crlf_line_endings",
                "[default]\r\nregion = us-west-2\r\n",
                {{"default", {{"region", "us-west-2"}}}}},
        IniCase{"comments_both_kinds",
                "# top comment\n[default]\n# hash\nregion = x\n; semicolon\n",
                {{"default", {{"region", "x"}}}}},
        IniCase{"keys_lower_cased_values_not",
                "[default]\nAWS_Access_Key_ID = AbC\nRegion = EU-West-1\n",
                {{"default", {{"aws_access_key_id", "AbC"}, {"region", "EU-West-1"}}}}},
        IniCase{"profile_sections",
                "[default]\nregion = a\n[profile dev]\nregion = b\n[profile prod]\nregion = c\n",
                {{"default", {{"region", "a"}}},
                 {"profile dev", {{"region", "b"}}},
                 {"profile prod", {{"region", "c"}}}}},
        IniCase{"value_with_equals",
                "[default]\naws_secret_access_key = ab=cd==\n",
                {{"default", {{"aws_secret_access_key", "ab=cd=="}}}}},
        IniCase{"empty_value", "[default]\nregion =\n", {{"default", {{"region", ""}}}}},
        IniCase{"empty_section",
                "[default]\n[other]\nk = v\n",
                {{"default", {}}, {"other", {{"k", "v"}}}}},
        IniCase{"repeated_section_merges_later_wins",
                "[a]\nk = 1\nx = 1\n[b]\nk = 2\n[a]\nk = 3\n",
                {{"a", {{"k", "3"}, {"x", "1"}}}, {"b", {{"k", "2"}}}}},
        IniCase{"nested_s3_block",
                "[profile dev]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n"
                "  max_concurrent_requests = 20\noutput = json\n",
                {{"profile dev",
                  {{"region", "eu-west-1"},
                   {"s3", ""},
                   {"s3.addressing_style", "path"},
                   {"s3.max_concurrent_requests", "20"},
                   {"output", "json"}}}}},
        IniCase{
            "nested_block_with_tabs_and_comments",
            "[default]\ns3 =\n\taddressing_style = virtual\n  # comment inside\n"
            "\n  signature_version = s3v4\n",
            {{"default",
              {{"s3", ""}, {"s3.addressing_style", "virtual"}, {"s3.signature_version", "s3v4"}}}}},
        IniCase{"nested_block_ends_at_section",
                "[a]\ns3 =\n  addressing_style = path\n[b]\n  region = x\n",
                {{"a", {{"s3", ""}, {"s3.addressing_style", "path"}}}, {"b", {{"region", "x"}}}}},
        IniCase{"nested_block_ends_at_unindented_key",
                "[a]\ns3 =\n  addressing_style = path\nregion = x\n  other = y\n",
                {{"a",
                  {{"s3", ""}, {"s3.addressing_style", "path"}, {"region", "x"}, {"other", "y"}}}}},
        IniCase{"indented_key_without_nested_parent",
                "[a]\nregion = x\n  output = json\n",
                {{"a", {{"region", "x"}, {"output", "json"}}}}}),
    [](const ::testing::TestParamInfo<IniCase>& case_info) {
        return std::string(case_info.param.name);
    });

struct IniErrorCase {
    const char* name;
    std::string text;
    int line;  // the line the message must name
};

void PrintTo(const IniErrorCase& c, std::ostream* os) { *os << c.name; }

class IniParseErrorTest : public ::testing::TestWithParam<IniErrorCase> {};

TEST_P(IniParseErrorTest, NamesFileAndLine) {
    const auto& c = GetParam();
    try {
        (void)aws::parse_ini(c.text, "/home/u/.aws/config");
        FAIL() << "expected IniParseError";
    } catch (const IniParseError& error) {
        const std::string where = "/home/u/.aws/config:" + std::to_string(c.line) + ":";
        EXPECT_EQ(error.message.rfind(where, 0), 0u)
            << "message '" << error.message << "' should start with '" << where << "'";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, IniParseErrorTest,
    ::testing::Values(
        IniErrorCase{"line_without_equals", "[default]\nregion = x\nthis is not ini\n", 3},
        IniErrorCase{"key_before_section", "# c\nregion = x\n[default]\n", 2},
        IniErrorCase{"unclosed_section", "[default]\nk = v\n\n[profile dev\n", 4},
        IniErrorCase{"empty_section_name", "[ ]\n", 1},
        IniErrorCase{"empty_key", "[default]\n = value\n", 2},
        IniErrorCase{"garbage_in_nested_block", "[default]\ns3 =\n  addressing_style\n", 3},
        IniErrorCase{"crlf_counts_lines", "[default]\r\nk = v\r\n\r\nbroken\r\n", 4}),
    [](const ::testing::TestParamInfo<IniErrorCase>& case_info) {
        return std::string(case_info.param.name);
    });

TEST(IniParseAwsCliCompat, CommentAfterSectionHeader) {
    // The AWS CLI reads these files with Python's configparser, whose section pattern
    // is matched at the start of the line only: "[default]  # main account" is the
    // section "default" there.
    // The AWS CLI accepts a comment after a section header; so must we.
    IniSections sections;
    ASSERT_NO_THROW(sections = aws::parse_ini("[default]  # main account\nregion = eu-west-1\n"
                                              "[profile dev] ; dev account\nregion = x\n",
                                              "config"));
    EXPECT_EQ(sections, (IniSections{{"default", {{"region", "eu-west-1"}}},
                                     {"profile dev", {{"region", "x"}}}}));
}

// ---------------------------------------------------------- read_ini_file

TEST(IniReadFile, ReadsAFile) {
    IniTempDir dir;
    const auto path = dir.write("credentials", "[default]\naws_access_key_id = AKID\n");
    const auto sections = aws::read_ini_file(path);
    ASSERT_TRUE(sections.has_value());
    EXPECT_EQ(*sections, (IniSections{{"default", {{"aws_access_key_id", "AKID"}}}}));
}

TEST(IniReadFile, EmptyFileHasNoSections) {
    IniTempDir dir;
    const auto sections = aws::read_ini_file(dir.write("config", ""));
    ASSERT_TRUE(sections.has_value());
    EXPECT_TRUE(sections->empty());
}

TEST(IniReadFile, MissingFileIsNullopt) {
    IniTempDir dir;
    EXPECT_FALSE(aws::read_ini_file(dir.path("does-not-exist")).has_value());
    // A missing parent directory is just as missing.
    EXPECT_FALSE(aws::read_ini_file(dir.path("no-such-dir/config")).has_value());
}

TEST(IniReadFile, DirectoryIsAnError) {
    IniTempDir dir;
    const auto path = dir.path("");
    try {
        (void)aws::read_ini_file(path);
        FAIL() << "expected IniParseError for a directory";
    } catch (const IniParseError& error) {
        EXPECT_NE(error.message.find("directory"), std::string::npos) << error.message;
    }
}

TEST(IniReadFile, MalformedFileNamesPathAndLine) {
    IniTempDir dir;
    const auto path = dir.write("config", "[default]\nregion = x\n\nnonsense\n");
    try {
        (void)aws::read_ini_file(path);
        FAIL() << "expected IniParseError";
    } catch (const IniParseError& error) {
        EXPECT_EQ(error.message.rfind(path + ":4:", 0), 0u) << error.message;
    }
}

}  // namespace
