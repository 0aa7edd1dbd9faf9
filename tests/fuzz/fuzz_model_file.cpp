// Fuzz target: model files (directives and statements), through the graph builder and the tape
// compiler. Bad input must end in cgp::Error, nothing else.
#include <cgp/io/error.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/tape/tape.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const cgp::Graph g = cgp::build_graph(cgp::parse_model_text("fuzz.cgp", text));
        if (g.nodes.size() > 4096)
            return 0;
        cgp::Tape<float> tape(g, 5);
        tape.forward_backward();
    } catch (const cgp::Error&) {
    }
    return 0;
}
