// report.hpp: cgp-conformance's results, as a table or as JSON, and their summary line.
#pragma once

#include "checks/conformance.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace cgp::conformance {

struct CheckRecord {
    std::string check;
    Outcome outcome;
    double seconds = 0.0;
};

struct PluginRecord {
    std::string spec;    // as given on the command line
    std::string path;    // the file it resolved to ("" when it did not resolve)
    std::string display; // short name for the table: the file name
    std::vector<CheckRecord> checks;
};

struct Summary {
    std::size_t passed = 0, failed = 0, skipped = 0;
    std::size_t total() const { return passed + failed + skipped; }
};

Summary summarize(const std::vector<PluginRecord>& plugins);
// "17 checks on 1 plugin: 16 passed, 0 failed, 1 skipped"
std::string summary_line(const std::vector<PluginRecord>& plugins);
// PLUGIN CHECK RESULT DETAIL rows, then a blank line and the summary line.
std::string table_text(const std::vector<PluginRecord>& plugins);
// {"plugins": [{"plugin", "path", "checks": [{"name", "result", "detail", "seconds"}]}], "summary": {...}}
std::string json_text(const std::vector<PluginRecord>& plugins);
// JUnit XML for CI: one <testsuite> per plugin, one <testcase> per check (classname
// "cgp-conformance.<plugin file>"), <failure message> for failures and <skipped message> for skips.
std::string junit_text(const std::vector<PluginRecord>& plugins);

} // namespace cgp::conformance
