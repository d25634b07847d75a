// Wiring only: parse, then run.
#include <iostream>
#include <string_view>
#include <variant>

#include "cli/allocator_tuning.hpp"
#include "cli/lambda_mode.hpp"
#include "cli/options.hpp"
#include "cli/run_cleanup.hpp"
#include "cli/run_report.hpp"

namespace {

// Whether the command line asks for JSON, read before it is understood: a
// script that asked for JSON gets a document even for a usage error.
bool asks_for_json(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--output=json") return true;
        if (arg == "--output" && i + 1 < argc && std::string_view(argv[i + 1]) == "json") {
            return true;
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    cli::tune_allocator();
    if (cli::lambda_runtime_asked(argc)) return cli::run_lambda_runtime();
    auto outcome = cli::parse_command_line(argc, argv);
    if (auto* exit_now = std::get_if<cli::ExitNow>(&outcome)) {
        std::cout << exit_now->text;
        return exit_now->code;
    }
    if (auto* usage = std::get_if<cli::UsageError>(&outcome)) {
        const std::string message = usage->message + " (see --help)";
        cli::print_error(message);
        if (asks_for_json(argc, argv)) {
            cli::print_json(cli::usage_error_json(message));
        }
        return cli::kExitUsage;
    }
    return cli::run_cleanup(std::get<cli::Options>(outcome));
}
