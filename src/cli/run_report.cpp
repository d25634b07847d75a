#include "cli/run_report.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/plan_output.hpp"

namespace cli {

namespace {

nlohmann::ordered_json error_json(const RunError& error) {
    return {{"code", error.code}, {"message", error.message}, {"exit", error.exit}};
}

}  // namespace

nlohmann::ordered_json report_to_json(const RunReport& report) {
    using json = nlohmann::ordered_json;
    json document;
    if (report.plan != nullptr) {
        document = plan_to_json(*report.plan, report.dry_run);
    } else {
        document = json{{"format", kJsonFormat},
                        {"bucket", report.bucket},
                        {"root", report.root},
                        {"dry_run", report.dry_run}};
    }
    document["warnings"] = report.warnings;
    if (report.result) document["result"] = *report.result;
    if (report.error) document["error"] = error_json(*report.error);
    return document;
}

std::string error_code_of(const aws::ServiceError& error) {
    if (!error.code.empty()) return error.code;
    switch (error.kind) {
        case aws::ErrorKind::kTransport:
            return "NetworkError";
        case aws::ErrorKind::kUntrustedCertificate:
            return "UntrustedCertificate";
        case aws::ErrorKind::kBadResponse:
            return "BadResponse";
        default:
            return "HTTP" + std::to_string(error.http_status);
    }
}

void print_json(const nlohmann::ordered_json& document) {
    std::cout << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << std::endl;
}

nlohmann::ordered_json usage_error_json(const std::string& message) {
    return {{"format", kJsonFormat},
            {"error", error_json({error_code::kUsage, message, kExitUsage})}};
}

}  // namespace cli
