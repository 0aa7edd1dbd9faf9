// Fuzz target: --expr statements, through the parser, the graph builder and the tape compiler,
// with one forward and backward pass. Bad input must end in cgp::Error, nothing else.
#include <cgp/io/error.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/tape/tape.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string> statements;
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n') {
            statements.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    statements.push_back(current);
    try {
        const cgp::Graph g = cgp::build_graph(cgp::expr_model(statements));
        if (g.nodes.size() > 4096)
            return 0;
        cgp::Tape<double> tape(g, 3, cgp::SimdPath::Scalar);
        for (std::size_t k = 0; k < tape.input_count(); ++k)
            for (std::size_t b = 0; b < 3; ++b)
                tape.input(k)[b] = 0.25 * static_cast<double>(b + k);
        tape.forward_backward();
    } catch (const cgp::Error&) {
    }
    return 0;
}
