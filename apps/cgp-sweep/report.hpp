// report.hpp: a benchmark's report: DIR/report.md (Markdown) and DIR/report.html (a standalone
// page that opens in a browser), with every table, the notes and the figures (DIR/plots/, linked
// by relative paths), plus DIR/table.txt (the deterministic results) and DIR/results.json.
//
// Every text that comes from the user or a plugin (problem names, optimizer ids, notes, the
// command) is escaped for the format it goes into: HTML entities in the page, backslash escapes in
// Markdown, RFC 4180 quoting in CSV, JSON escapes in JSON.
#pragma once

#include "bench.hpp"
#include "scores.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::sweep {

// Text as HTML character data or attribute value: & < > " ' as entities, invalid UTF-8 as U+FFFD.
std::string html_text(std::string_view text);
// Text as Markdown inline text: the characters Markdown reads as syntax escaped with '\'; line
// breaks become spaces.
std::string markdown_text(std::string_view text);

struct ReportFiles {
    std::size_t figures = 0;
    bool unrendered = false; // gnuplot missing: the figures are scripts only
};

// Writes the report files into dir. formats: image formats (png, svg); no figures when empty.
ReportFiles write_report(const std::filesystem::path& dir, const BenchSpec& spec, const BenchOutcome& outcome,
                         const std::vector<std::string>& formats, const std::string& command, unsigned jobs,
                         bool quiet);

// results.csv of a benchmark: one row per problem and optimizer.
std::string bench_csv(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores);

} // namespace cgp::sweep
