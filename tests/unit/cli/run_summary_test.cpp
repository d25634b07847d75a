// What a run over several roots says: the one question before deleting, the
// run's summary line, and the audit line naming its target.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/audit_log.hpp"
#include "cli/confirm.hpp"
#include "cli/plan_output.hpp"
#include "retention/planner.hpp"

namespace cli {
namespace {

retention::Plan plan_of(const std::string& root, int deployments, int objects_each) {
    std::vector<retention::Deployment> list;
    for (int i = 0; i < deployments; ++i) {
        retention::Deployment d;
        d.name = "d" + std::to_string(i);
        d.prefix = root + d.name + "/";
        d.objects = static_cast<std::uint64_t>(objects_each);
        d.bytes = 1024U * d.objects;
        d.newest = d.oldest = aws::TimePoint{std::chrono::hours{i}};
        list.push_back(std::move(d));
    }
    retention::Policy policy;
    policy.keep = 1;
    return retention::make_plan("web", root, std::move(list), policy);
}

TEST(RunQuestion, OneLinePerRootThenTheTotal) {
    const auto blog = plan_of("apps/blog/", 3, 2);
    const auto shop = plan_of("apps/shop/", 2, 1);
    EXPECT_EQ(confirmation_question({&blog, &shop}),
              "To delete:\n"
              "  s3://web/apps/blog/: 2 deployments (4 objects, 4.0 KiB)\n"
              "  s3://web/apps/shop/: 1 deployment (1 object, 1.0 KiB)\n"
              "Delete 3 deployments (5 objects, 5.0 KiB) from 2 targets? [y/N] ");
}

TEST(RunSummary, TotalsOverEveryPlanAndCountsTheFailed) {
    const auto blog = plan_of("apps/blog/", 3, 2);
    std::ostringstream out;
    print_run_summary(
        out, {{"s3://web/apps/blog/", &blog, false}, {"s3://web/apps/shop/", nullptr, true}});
    EXPECT_EQ(out.str(),
              "\nRun: 2 targets, 1 failed; keep 1, delete 2 deployments (4 objects, 4.0 KiB)\n");
}

TEST(AuditLine, NamesTheTargetAfterTheTime) {
    const retention::KeyOutcome outcome{"apps/blog/d1/a", "", "d1", true, ""};
    EXPECT_EQ(audit_line("2026-12-02T00:00:00Z", "s3://web/apps/blog/", "web", outcome),
              R"({"time":"2026-12-02T00:00:00Z","target":"s3://web/apps/blog/","bucket":"web",)"
              R"("key":"apps/blog/d1/a","version_id":null,"deployment":"d1","outcome":"deleted"})");
}

}  // namespace
}  // namespace cli
