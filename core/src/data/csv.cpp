// The CSV loader: a header row, feature and label columns, errors naming file:line:column.
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace cgp {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

struct Cell {
    std::string_view text;
    int column; // 1-based character column
};

std::vector<Cell> split_cells(const std::string& line)
{
    std::vector<Cell> cells;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        const std::size_t end = comma == std::string::npos ? line.size() : comma;
        std::string_view raw(line.data() + start, end - start);
        std::string_view t = trim(raw);
        if (t.size() >= 2 && t.front() == '"' && t.back() == '"')
            t = t.substr(1, t.size() - 2);
        const int column = static_cast<int>(t.data() - line.data()) + 1;
        cells.push_back({t, column});
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return cells;
}

} // namespace

Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options)
{
    std::istringstream in(
        read_input_file(path, "CSV file", kCsvFileLimit, "--data takes 'generated' or a readable CSV path"));
    return parse_csv(in, path.string(), options);
}

Dataset parse_csv(std::istream& in, const std::string& origin, const CsvOptions& options)
{
    if (options.label_columns.empty())
        throw Error(fmt::format("{}: name the label column with --label", origin));

    std::string line;
    int number = 0;
    // Header: the first non-empty line.
    std::vector<Cell> header;
    std::string header_line;
    while (std::getline(in, line)) {
        ++number;
        if (!trim(line).empty()) {
            header_line = line;
            header = split_cells(header_line);
            break;
        }
    }
    if (header.empty())
        throw Error(fmt::format("{}: the file is empty; a CSV file starts with a header row of column names", origin));
    const int header_number = number;
    std::vector<std::string> names;
    for (const Cell& c : header) {
        if (c.text.empty())
            throw SourceError(origin, {header_number, c.column}, header_line, "empty column name in the header row");
        if (std::find(names.begin(), names.end(), c.text) != names.end())
            throw SourceError(origin, {header_number, c.column}, header_line,
                              fmt::format("column '{}' appears twice in the header row", c.text));
        names.emplace_back(c.text);
    }
    std::vector<std::size_t> label_at;
    for (const std::string& label : options.label_columns) {
        const auto it = std::find(names.begin(), names.end(), label);
        if (it == names.end()) {
            std::string all;
            for (const auto& n : names)
                all += (all.empty() ? "" : ", ") + n;
            throw SourceError(origin, {header_number, 1}, header_line, fmt::format("no column named '{}'", label),
                              fmt::format("--label must name a column; columns are: {}", all));
        }
        label_at.push_back(static_cast<std::size_t>(it - names.begin()));
    }
    Dataset d;
    d.origin = origin;
    d.label_names = options.label_columns;
    std::vector<std::size_t> feature_at;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (std::find(label_at.begin(), label_at.end(), i) == label_at.end()) {
            feature_at.push_back(i);
            d.feature_names.push_back(names[i]);
        }
    if (feature_at.empty())
        throw SourceError(origin, {header_number, 1}, header_line,
                          "the file has no feature columns besides the labels");

    std::vector<double> row(names.size());
    while (std::getline(in, line)) {
        ++number;
        if (trim(line).empty())
            continue;
        const std::vector<Cell> cells = split_cells(line);
        if (cells.size() != names.size())
            throw SourceError(origin, {number, 1}, line,
                              fmt::format("row has {} cells, the header has {}", cells.size(), names.size()),
                              "every row needs one value per header column");
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::string_view t = cells[i].text;
            double v = 0.0;
            const char* first = t.data();
            if (!t.empty() && t.front() == '+')
                ++first;
            const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
            if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v))
                throw SourceError(origin, {number, cells[i].column}, line,
                                  fmt::format("cell '{}' in column '{}' is not a finite number", t, names[i]));
            row[i] = v;
        }
        for (std::size_t i : feature_at)
            d.x.push_back(row[i]);
        for (std::size_t i : label_at)
            d.y.push_back(row[i]);
        ++d.samples;
    }
    if (in.bad())
        throw Error(fmt::format("cannot read CSV file '{}'", origin));
    if (d.samples == 0)
        throw Error(fmt::format("{}: the file has a header but no data rows", origin));

    if (options.standardize) {
        const std::size_t f = d.features();
        for (std::size_t k = 0; k < f; ++k) {
            double mean = 0.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                mean += d.x[s * f + k];
            mean /= static_cast<double>(d.samples);
            double var = 0.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                var += (d.x[s * f + k] - mean) * (d.x[s * f + k] - mean);
            const double sd = std::sqrt(var / static_cast<double>(d.samples));
            const double inv = sd > 0.0 ? 1.0 / sd : 1.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                d.x[s * f + k] = (d.x[s * f + k] - mean) * inv;
        }
    }
    return d;
}

} // namespace cgp
