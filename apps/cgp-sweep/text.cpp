// Comma lists, aligned tables, whole text files.
#include "text.hpp"

#include <cgp/io/atomic_file.hpp>

#include <algorithm>

namespace cgp::sweep {

std::vector<std::string> split_commas(const std::string& text)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : text + ",") {
        if (c == ',') {
            const auto first = cur.find_first_not_of(" \t"), last = cur.find_last_not_of(" \t");
            if (first != std::string::npos)
                out.push_back(cur.substr(first, last - first + 1));
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

std::string aligned(const Table& table, std::size_t numeric_from)
{
    auto width = [](const std::string& s) {
        std::size_t w = 0;
        for (unsigned char ch : s)
            w += (ch & 0xC0u) != 0x80u;
        return w;
    };
    std::vector<std::size_t> widths;
    for (const auto& row : table) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], width(row[c]));
    }
    std::string out;
    for (const auto& row : table) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(widths[c] - width(row[c]), ' ');
            line += (c ? "  " : "") + (c >= numeric_from ? pad + row[c] : row[c] + pad);
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + '\n';
    }
    return out;
}

void write_text_file(const std::filesystem::path& path, const std::string& text)
{
    AtomicFile f(path);
    f.write(text);
    f.commit();
}

} // namespace cgp::sweep
