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
        std::string_view t = trim_cell(raw);
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

bool whole(std::string_view t, long& v)
{
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && ptr == t.data() + t.size();
}

// The class column's cells turned into class indices and one-hot (or 0/1) targets.
void bind_classes(Dataset& d, const std::string& column, const ClassColumn& options,
                  const std::vector<std::string>& text, const std::vector<int>& lines)
{
    const std::size_t K = std::max<std::size_t>(2, options.outputs); // classes the model can tell apart
    std::vector<std::string> names = options.names;
    const bool integers = names.empty() && std::all_of(text.begin(), text.end(), [](const std::string& t) {
                              long v = 0;
                              return whole(t, v);
                          });
    if (integers) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            long v = 0;
            whole(text[i], v);
            if (v < 0 || static_cast<std::size_t>(v) >= K)
                throw Error(fmt::format("{}:{}: class {} in column '{}' is out of range: the model's {} output(s) "
                                        "take classes 0 to {}\nhint: number the classes from 0, or give the model "
                                        "one output per class",
                                        d.origin, lines[i], v, column, options.outputs, K - 1));
        }
        for (std::size_t k = 0; k < K; ++k)
            names.push_back(std::to_string(k));
    } else if (names.empty()) {
        names = text;
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
    }
    if (names.size() > K)
        throw Error(fmt::format("{}: column '{}' has {} classes ({}) but the model has {} output(s), for at most {} "
                                "classes\nhint: give the model one output per class (e.g. --layers ... {})",
                                d.origin, column, names.size(), fmt::join(names, ", "), options.outputs, K,
                                names.size()));
    d.class_names = names;
    d.classes.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto it = std::find(names.begin(), names.end(), text[i]);
        if (it == names.end())
            throw Error(fmt::format("{}:{}: class '{}' in column '{}' is not one of the training data's classes ({})\n"
                                    "hint: held-out and prediction files can only hold the classes the training "
                                    "file has",
                                    d.origin, lines[i], text[i], column, fmt::join(names, ", ")));
        d.classes.push_back(static_cast<int>(it - names.begin()));
    }
    const std::size_t O = options.outputs == 1 ? 1 : K;
    d.label_names.clear();
    if (O == 1)
        d.label_names.push_back(column);
    else
        for (std::size_t k = 0; k < O; ++k) // outputs beyond the classes found get no sample
            d.label_names.push_back(column + "=" + (k < names.size() ? names[k] : fmt::format("#{}", k)));
    d.y.assign(d.samples * O, 0.0);
    for (std::size_t s = 0; s < d.samples; ++s) {
        const std::size_t c = static_cast<std::size_t>(d.classes[s]);
        if (O == 1)
            d.y[s] = static_cast<double>(c);
        else
            d.y[s * O + c] = 1.0;
    }
}

} // namespace

Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options, const ClassColumn* classes)
{
    std::istringstream in(
        read_input_file(path, "CSV file", kCsvFileLimit, "--data takes 'generated' or a readable CSV path"));
    return parse_csv(in, path.string(), options, classes);
}

std::vector<std::string> csv_header(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
        if (!trim_cell(line).empty()) {
            for (const Cell& c : split_cells(line))
                names.emplace_back(c.text);
            break;
        }
    return names;
}

Dataset parse_csv(std::istream& in, const std::string& origin, const CsvOptions& options, const ClassColumn* classes)
{
    if (options.label_columns.empty() && !options.labels_optional)
        throw Error(fmt::format("{}: name the label column with --label", origin));

    std::string line;
    int number = 0;
    // Header: the first non-empty line.
    std::vector<Cell> header;
    std::string header_line;
    while (std::getline(in, line)) {
        ++number;
        if (!trim_cell(line).empty()) {
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
    if (classes != nullptr && label_at.size() != 1)
        throw SourceError(origin, {header_number, 1}, header_line,
                          fmt::format("a class column is one --label; {} were given", label_at.size()));
    Dataset d;
    d.origin = origin;
    d.columns = names;
    d.label_names = options.label_columns;
    std::vector<std::string> class_text; // the class column's cells
    std::vector<int> class_line;
    std::vector<std::size_t> feature_at;
    const auto named = [&](const std::string& c) { return std::find(names.begin(), names.end(), c) != names.end(); };
    if (options.inputs_required)
        for (const std::string& c : options.input_columns)
            if (!named(c))
                throw SourceError(origin, {header_number, 1}, header_line, fmt::format("no column named '{}'", c),
                                  fmt::format("--features must name columns; columns are: {}", fmt::join(names, ", ")));
    const bool by_input = !options.input_columns.empty() &&
                          std::all_of(options.input_columns.begin(), options.input_columns.end(), named);
    std::vector<bool> read(names.size(), false); // parsed: the features and the labels
    for (std::size_t i = 0; i < names.size(); ++i) {
        const bool label = std::find(label_at.begin(), label_at.end(), i) != label_at.end();
        const bool input = !by_input || std::find(options.input_columns.begin(), options.input_columns.end(),
                                                  names[i]) != options.input_columns.end();
        read[i] = label || input;
        if (!label && input) {
            feature_at.push_back(i);
            d.feature_names.push_back(names[i]);
        }
    }
    if (feature_at.empty())
        throw SourceError(origin, {header_number, 1}, header_line,
                          "the file has no feature columns besides the labels");

    std::vector<double> row(names.size());
    while (std::getline(in, line)) {
        ++number;
        if (trim_cell(line).empty())
            continue;
        const std::vector<Cell> cells = split_cells(line);
        if (cells.size() != names.size())
            throw SourceError(origin, {number, 1}, line,
                              fmt::format("row has {} cells, the header has {}", cells.size(), names.size()),
                              "every row needs one value per header column");
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (!read[i])
                continue;
            const std::string_view t = cells[i].text;
            if (classes != nullptr && i == label_at[0]) {
                if (t.empty())
                    throw SourceError(origin, {number, cells[i].column}, line,
                                      fmt::format("empty class in column '{}'", names[i]));
                class_text.emplace_back(t);
                class_line.push_back(number);
                row[i] = 0.0;
                continue;
            }
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

    if (classes != nullptr)
        bind_classes(d, options.label_columns.front(), *classes, class_text, class_line);
    if (options.standardize)
        standardize(d, standardization_of(d));
    return d;
}

std::string_view trim_cell(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

Standardization standardization_of(const Dataset& d)
{
    const std::size_t f = d.features();
    Standardization st{std::vector<double>(f, 0.0), std::vector<double>(f, 1.0)};
    for (std::size_t k = 0; k < f; ++k) {
        double mean = 0.0;
        for (std::size_t s = 0; s < d.samples; ++s)
            mean += d.x[s * f + k];
        mean /= static_cast<double>(d.samples);
        double var = 0.0;
        for (std::size_t s = 0; s < d.samples; ++s)
            var += (d.x[s * f + k] - mean) * (d.x[s * f + k] - mean);
        const double sd = std::sqrt(var / static_cast<double>(d.samples));
        st.mean[k] = mean;
        st.sd[k] = sd > 0.0 ? sd : 1.0;
    }
    return st;
}

void standardize(Dataset& d, const Standardization& st)
{
    const std::size_t f = d.features();
    for (std::size_t k = 0; k < f; ++k) {
        const double inv = 1.0 / st.sd[k];
        for (std::size_t s = 0; s < d.samples; ++s)
            d.x[s * f + k] = (d.x[s * f + k] - st.mean[k]) * inv;
    }
}

Dataset select_rows(const Dataset& d, const std::vector<std::size_t>& rows)
{
    Dataset out = d;
    const std::size_t f = d.features(), l = d.labels();
    out.samples = rows.size();
    out.x.clear();
    out.y.clear();
    out.classes.clear();
    for (std::size_t r : rows) {
        out.x.insert(out.x.end(), d.x.begin() + static_cast<std::ptrdiff_t>(r * f),
                     d.x.begin() + static_cast<std::ptrdiff_t>((r + 1) * f));
        out.y.insert(out.y.end(), d.y.begin() + static_cast<std::ptrdiff_t>(r * l),
                     d.y.begin() + static_cast<std::ptrdiff_t>((r + 1) * l));
        if (!d.classes.empty())
            out.classes.push_back(d.classes[r]);
    }
    return out;
}

} // namespace cgp
