// Wiring only: parse, then run.
#include <iostream>
#include <variant>

#include "cli/options.hpp"
#include "cli/run_cleanup.hpp"

int main(int argc, char** argv) {
    auto outcome = cli::parse_command_line(argc, argv);
    if (auto* exit_now = std::get_if<cli::ExitNow>(&outcome)) {
        std::cout << exit_now->text;
        return exit_now->code;
    }
    if (auto* usage = std::get_if<cli::UsageError>(&outcome)) {
        cli::print_error(usage->message + " (see --help)");
        return cli::kExitUsage;
    }
    return cli::run_cleanup(std::get<cli::Options>(outcome));
}
