#include "cli/confirm.hpp"

#include <unistd.h>

#include <algorithm>

#include "cli/plan_output.hpp"

namespace cli {

namespace {

// ", and write lifecycle rules expiring 2 deployments (9 objects, 1.2 MiB), removing 1"
std::string lifecycle_clause(const retention::Plan& plan) {
    if (!plan.lifecycle || !plan.lifecycle->writes()) return {};
    const auto& change = *plan.lifecycle;
    const auto& s = plan.summary;
    std::string text = ", and write the lifecycle configuration";
    if (!change.add.empty()) {
        text += ": expire " + counted(s.expire, "deployment", "deployments") + " (" +
                counted(s.objects_to_expire, "object", "objects") + ", " +
                human_bytes(s.bytes_to_expire) + ") by rule";
    }
    const std::size_t dropped = change.remove.size() + change.retire.size();
    if (dropped > 0) {
        text += (change.add.empty() ? ": remove " : ", remove ") +
                counted(dropped, "owned rule", "owned rules");
    }
    return text;
}

}  // namespace

std::string confirmation_question(const retention::Plan& plan) {
    const auto& s = plan.summary;
    std::string what = "Delete " + counted(s.remove, "deployment", "deployments") + " (" +
                       counted(s.objects_to_delete, "object", "objects") + ", " +
                       human_bytes(s.bytes_to_delete) + ")";
    if (plan.purge_versions) {
        what += " and purge " + counted(s.versions_to_delete, "version", "versions") + " (" +
                human_bytes(s.version_bytes_to_delete) + ")";
        if (!plan.ghosts.empty()) {
            what += " including " + counted(plan.ghosts.size(), "ghost folder", "ghost folders");
        }
    }
    return what + lifecycle_clause(plan) + " from s3://" + printable(plan.bucket) + "/" +
           printable(plan.root) + "? [y/N] ";
}

std::string confirmation_question(const std::vector<const retention::Plan*>& plans) {
    std::string text = "To delete:\n";
    retention::PlanSummary total;
    for (const auto* plan : plans) {
        const auto& s = plan->summary;
        text += "  s3://" + printable(plan->bucket) + "/" + printable(plan->root) + ": " +
                counted(s.remove, "deployment", "deployments") + " (" +
                counted(s.objects_to_delete, "object", "objects") + ", " +
                human_bytes(s.bytes_to_delete) + ")" +
                (plan->purge_versions
                     ? ", purging " + counted(s.versions_to_delete, "version", "versions")
                     : std::string()) +
                lifecycle_clause(*plan) + "\n";
        total += s;
    }
    return text + "Delete " + counted(total.remove, "deployment", "deployments") + " (" +
           counted(total.objects_to_delete, "object", "objects") + ", " +
           human_bytes(total.bytes_to_delete) + ") from " +
           counted(plans.size(), "target", "targets") + "? [y/N] ";
}

bool is_yes(const std::string& answer) {
    const char* blanks = " \t\r\n";
    auto begin = answer.find_first_not_of(blanks);
    if (begin == std::string::npos) return false;
    std::string word = answer.substr(begin, answer.find_last_not_of(blanks) - begin + 1);
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return word == "y" || word == "yes";
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

}  // namespace cli
