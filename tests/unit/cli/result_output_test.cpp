// Unit tests for src/cli/result_output.hpp: what a deletion run did, as text.
#include "cli/result_output.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace {

std::string text_of(const retention::ExecutionResult& result, const cli::RunStats& stats) {
    std::ostringstream out;
    cli::print_result_text(out, result, stats);
    return out.str();
}

TEST(ResultOutputText, PluralCounts) {
    retention::ExecutionResult result;
    result.deployments_deleted = 2;
    result.objects_deleted = 1800;
    result.bytes_freed = 1536;
    cli::RunStats stats{3, 2, 4, 1.26};
    EXPECT_EQ(text_of(result, stats),
              "Done: deleted 2 deployments, 1,800 objects, 1.5 KiB freed in 1.3 s (3 list, 2 "
              "delete requests, 4 retries)\n");
}

TEST(ResultOutputText, SingularCounts) {
    retention::ExecutionResult result;
    result.deployments_deleted = 1;
    result.objects_deleted = 1;
    result.bytes_freed = 7;
    result.versions_deleted = 1;
    result.delete_markers_deleted = 1;
    result.ghosts_purged = 1;
    result.interrupted = true;
    result.objects_not_attempted = 1;
    result.failed.push_back({"site/v1/a", "AccessDenied", "Access Denied", ""});
    cli::RunStats stats{1, 1, 1, 0.5};
    EXPECT_EQ(text_of(result, stats),
              "Interrupted: deleted 1 deployment, 1 object, 7 B freed in 0.5 s (1 list, 1 delete "
              "request, 1 retry)\n"
              "Purged: 1 version, 1 delete marker, 1 ghost folder emptied\n"
              "Not deleted: 1 object was never sent after the stop request\n"
              "Failed: 1 object could not be deleted\n"
              "  site/v1/a  AccessDenied: Access Denied\n");
}

TEST(ResultOutputText, RequestNounsAgreeWithEachCount) {
    retention::ExecutionResult result;
    const auto requests_of = [&](long list, long del) {
        const auto text = text_of(result, cli::RunStats{list, del, 0, 0});
        return text.substr(text.find('('));
    };
    EXPECT_EQ(requests_of(0, 0), "(0 list, 0 delete requests)\n");
    EXPECT_EQ(requests_of(1, 3), "(1 list request, 3 delete requests)\n");
    EXPECT_EQ(requests_of(4, 1), "(4 list requests, 1 delete request)\n");
    EXPECT_EQ(requests_of(1, 1), "(1 list, 1 delete request)\n");
}

TEST(ResultOutputText, ManyFailuresAndZeroCounts) {
    retention::ExecutionResult result;
    result.versions_deleted = 0;
    result.delete_markers_deleted = 3;
    for (int i = 0; i < 12; ++i) result.failed.push_back({"k" + std::to_string(i), "", "x", ""});
    const auto text = text_of(result, cli::RunStats{});
    EXPECT_NE(text.find("Done: deleted 0 deployments, 0 objects, 0 B freed"), std::string::npos)
        << text;
    EXPECT_NE(text.find("Purged: 0 versions, 3 delete markers\n"), std::string::npos) << text;
    EXPECT_NE(text.find("Failed: 12 objects could not be deleted (first 10 below)\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("k10"), std::string::npos) << text;
}

}  // namespace
