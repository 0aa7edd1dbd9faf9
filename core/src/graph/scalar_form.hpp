// ScalarNodes: the nodes of a graph's scalar form (graph.hpp, scalar_form), one at a time; and the
// flags pass every builder of nodes shares.
#pragma once

#include <cgp/graph/graph.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace cgp {

// Sets each operation node's flags (uniform, needs_grad) from its operands', in one forward pass:
// operands precede their users, and leaves carry their own.
void settle_flags(std::vector<Node>& nodes);

class ScalarNodes {
public:
    explicit ScalarNodes(const Graph& g);
    // Calls emit with each node of the scalar form in order (flags uniform and needs_grad unset; the
    // Node passed is reused between calls).
    void run(const std::function<void(const Node&)>& emit);
    // After run: the scalar-form node of graph node n, and of a dense unit's sum before its bias.
    int top(int n) const { return top_[static_cast<std::size_t>(n)]; }
    int body(int n) const { return body_[static_cast<std::size_t>(n)]; }

private:
    int put(Op op, int a, int b, int index, std::string_view label, double value = 0.0);

    const Graph& g_;
    std::vector<int> top_, body_;
    std::function<void(const Node&)> emit_;
    Node node_;
    int next_ = 0;
};

} // namespace cgp
