// node_exporter's textfile collector reads every *.prom file of its folder at
// each scrape: a file must never be seen half written.
#pragma once

#include <string>

namespace metrics {

// Writes `text` to a temporary file beside `path` and renames it over `path`
// (rename(2) is atomic within a file system). Throws std::runtime_error
// naming the path and the system's reason; no temporary file is left.
void write_atomically(const std::string& path, const std::string& text);

// The file's content; empty when it does not exist or cannot be read (the
// previous metrics are a convenience, never a reason to fail).
std::string read_if_present(const std::string& path);

}  // namespace metrics
