#pragma once

namespace cli {

// Sets glibc's allocator up for a run: see allocator_tuning.cpp. Called once,
// first thing in main.
void tune_allocator();

}  // namespace cli
