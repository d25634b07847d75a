// The text exposition format: escaping, HELP/TYPE lines, numbers, reading a
// value back.
#include "metrics/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace metrics {
namespace {

TEST(PrometheusText, EscapesLabelValues) {
    EXPECT_EQ(escape_label_value(R"(a\b"c)"
                                 "\nd"),
              R"(a\\b\"c\nd)");
    EXPECT_EQ(escape_label_value("apps/shop/ ü"), "apps/shop/ ü");
}

TEST(PrometheusText, SeriesWithAndWithoutLabels) {
    EXPECT_EQ(series("up", {}), "up");
    EXPECT_EQ(series("x", {{"bucket", "b"}, {"root", "r\"/"}}), R"(x{bucket="b",root="r\"/"})");
}

TEST(PrometheusText, RendersHelpTypeAndSamples) {
    const std::vector<Gauge> gauges{
        {"a_total", "Help with \\ and\nnewline", {{{{"k", "v"}}, 3}, {{{"k", "w"}}, 0.25}}},
        {"empty", "left out", {}},
        {"b", "plain", {{{}, 1796246318.218}}},
    };
    EXPECT_EQ(render(gauges),
              "# HELP a_total Help with \\\\ and\\nnewline\n"
              "# TYPE a_total gauge\n"
              "a_total{k=\"v\"} 3\n"
              "a_total{k=\"w\"} 0.250\n"
              "# HELP b plain\n"
              "# TYPE b gauge\n"
              "b 1796246318.218\n");
}

TEST(PrometheusText, SpecialValues) {
    const auto one = [](double value) {
        return render({{"g", "h", {{{}, value}}}})
            .substr(std::string("# HELP g h\n# TYPE g gauge\n").size());
    };
    EXPECT_EQ(one(std::numeric_limits<double>::quiet_NaN()), "g NaN\n");
    EXPECT_EQ(one(std::numeric_limits<double>::infinity()), "g +Inf\n");
    EXPECT_EQ(one(-std::numeric_limits<double>::infinity()), "g -Inf\n");
    EXPECT_EQ(one(-2), "g -2\n");
    // Beyond 2^53 a double is no exact integer: written with its decimals.
    EXPECT_EQ(one(1e17), "g 100000000000000000.000\n");
}

TEST(PrometheusText, FindsAValueItWrote) {
    const std::string text = render({{"s3_cleanup_last_success_timestamp_seconds",
                                      "h",
                                      {{{{"bucket", "b"}, {"root", ""}}, 1700000000},
                                       {{{"bucket", "b"}, {"root", "apps/"}}, 1700000100.5}}}});
    EXPECT_EQ(find_value(text, "s3_cleanup_last_success_timestamp_seconds",
                         {{"bucket", "b"}, {"root", "apps/"}}),
              1700000100.5);
    EXPECT_EQ(find_value(text, "s3_cleanup_last_success_timestamp_seconds",
                         {{"bucket", "b"}, {"root", ""}}),
              1700000000);
    EXPECT_FALSE(find_value(text, "s3_cleanup_last_success_timestamp_seconds",
                            {{"bucket", "c"}, {"root", ""}}));
    EXPECT_FALSE(find_value("", "x", {}));
    // A line that is not a number (a file someone edited) is no value.
    EXPECT_FALSE(find_value("x 12abc\n", "x", {}));
    EXPECT_FALSE(find_value("x \n", "x", {}));
    EXPECT_EQ(find_value("# x 1\nx 7", "x", {}), 7);
}

}  // namespace
}  // namespace metrics
