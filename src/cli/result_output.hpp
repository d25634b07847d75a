// What a deletion run did, for people and for machines.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "retention/executor.hpp"

namespace cli {

struct RunStats {
    long list_requests = 0;
    long delete_requests = 0;
    long retries = 0;
    double seconds = 0;
};

// How many failed keys the text output names; the JSON and stderr carry all.
inline constexpr std::size_t kFailedKeysShown = 10;

void print_result_text(std::ostream& out, const retention::ExecutionResult& result,
                       const RunStats& stats);
nlohmann::ordered_json result_to_json(const retention::ExecutionResult& result,
                                      const RunStats& stats);

}  // namespace cli
