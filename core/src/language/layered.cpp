// The text of a generated layered model's statements (cgp/language/layered.hpp).
#include <cgp/language/layered.hpp>

#include <fmt/format.h>

#include <iterator>

namespace cgp {

std::vector<std::string> layered_statements(const std::vector<int>& layers)
{
    std::vector<std::string> lines;
    for (std::size_t l = 1; l < layers.size(); ++l) {
        for (int k = 0; k < layers[l]; ++k) {
            std::string text = fmt::format("x{}_{}=", l, k);
            for (int j = 0; j < layers[l - 1]; ++j)
                fmt::format_to(std::back_inserter(text), "{}w{}_{}_{}*x{}_{}", j ? "+" : "", l, k, j, l - 1, j);
            lines.push_back(std::move(text));
        }
    }
    return lines;
}

} // namespace cgp
