// Compiling a Graph into a Tape: lowering the graph's dense layers, matching CGP's neuron pattern in
// scalar nodes and grouping matches into more dense layers, ordering the instructions, and laying
// out every buffer in one aligned arena.
#include "tape_impl.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace cgp {
namespace {

// A matched act(sum_i w_i * x_i + bias): weights are parameters, x_i distinct column nodes.
struct LinComb {
    int root = -1;
    Op act = Op::Identity;
    std::vector<int> weights; // parameter indices
    std::vector<int> inputs;  // column nodes, same order
    int bias = -1;            // parameter index, or -1
    std::vector<int> covered; // nodes absorbed into the instruction (never materialized)
};

// Finds the linear combination rooted at node r, if r has that shape. `mark` is a scratch array of
// one entry per node, all -1 on entry and on return (it detects repeated inputs in linear time).
std::optional<LinComb> match_lincomb(const Graph& g, const std::vector<int>& uses, int r, std::vector<int>& mark)
{
    const auto& nodes = g.nodes;
    const Node& root = nodes[static_cast<std::size_t>(r)];
    if (root.uniform)
        return std::nullopt;
    LinComb lc;
    lc.root = r;
    int sum = r;
    if (op_info(root.op).activation) {
        lc.act = root.op;
        sum = root.a;
        if (uses[static_cast<std::size_t>(sum)] != 1)
            return std::nullopt;
        lc.covered.push_back(sum);
    } else if (root.op != Op::Add) {
        return std::nullopt; // a plain product p*x stays element-wise
    }
    // Flatten the tree of additions, left to right.
    std::vector<int> stack{sum}, leaves;
    while (!stack.empty()) {
        const int n = stack.back();
        stack.pop_back();
        const Node& node = nodes[static_cast<std::size_t>(n)];
        if (node.op == Op::Add && !node.uniform && (n == sum || uses[static_cast<std::size_t>(n)] == 1)) {
            if (n != sum)
                lc.covered.push_back(n);
            stack.push_back(node.b);
            stack.push_back(node.a);
        } else {
            leaves.push_back(n);
        }
    }
    bool ok = true;
    for (int leaf : leaves) {
        const Node& node = nodes[static_cast<std::size_t>(leaf)];
        if (node.op == Op::Param) {
            if (lc.bias >= 0) {
                ok = false;
                break;
            }
            lc.bias = node.index;
            continue;
        }
        if (node.op != Op::Mul || uses[static_cast<std::size_t>(leaf)] != 1) {
            ok = false;
            break;
        }
        const Node& a = nodes[static_cast<std::size_t>(node.a)];
        const Node& b = nodes[static_cast<std::size_t>(node.b)];
        const Node* param = a.op == Op::Param ? &a : (b.op == Op::Param ? &b : nullptr);
        const int column = a.op == Op::Param ? node.b : node.a;
        if (param == nullptr || nodes[static_cast<std::size_t>(column)].uniform ||
            mark[static_cast<std::size_t>(column)] >= 0) {
            ok = false;
            break;
        }
        mark[static_cast<std::size_t>(column)] = 1;
        lc.weights.push_back(param->index);
        lc.inputs.push_back(column);
        lc.covered.push_back(leaf);
    }
    for (int in : lc.inputs)
        mark[static_cast<std::size_t>(in)] = -1;
    if (!ok || lc.inputs.empty())
        return std::nullopt;
    return lc;
}

// The key of a group of linear combinations: their activation and sorted inputs.
struct GroupKeyHash {
    std::size_t operator()(const std::pair<Op, std::vector<int>>& key) const noexcept
    {
        std::size_t h = static_cast<std::size_t>(key.first);
        for (int n : key.second)
            h = (h ^ static_cast<std::size_t>(n)) * 1099511628211ull;
        return h;
    }
};

} // namespace

template <class T>
void Tape<T>::Impl::compile(const Graph& g)
{
    const std::size_t count = g.nodes.size();
    std::vector<int> uses(count, 0);
    for (const Node& n : g.nodes) {
        if (n.a >= 0)
            ++uses[static_cast<std::size_t>(n.a)];
        if (n.b >= 0)
            ++uses[static_cast<std::size_t>(n.b)];
    }
    for (int o : g.output_nodes)
        ++uses[static_cast<std::size_t>(o)];

    // The graph's dense layers, as they are: their weights are a row-major parameter range.
    std::vector<int> dense_of(count, -1);
    for (const DenseLayer& gd : g.dense) {
        Dense d;
        d.act = gd.act;
        d.inputs = gd.inputs;
        d.K = gd.K();
        d.M = gd.M;
        d.direct = true;
        d.base = static_cast<int>(gd.weight_base);
        d.has_bias = gd.bias_base >= 0;
        for (std::size_t r = 0; r < gd.M; ++r) {
            d.members.push_back(gd.units_begin + static_cast<int>(r));
            d.bias_index.push_back(d.has_bias ? static_cast<int>(gd.bias_base + static_cast<std::ptrdiff_t>(r)) : -1);
            dense_of[static_cast<std::size_t>(d.members.back())] = static_cast<int>(denses.size());
        }
        denses.push_back(std::move(d));
    }
    const std::size_t graph_denses = denses.size();

    // Linear combinations, found from consumers to producers so each tree is matched whole.
    std::vector<char> covered(count, 0);
    std::vector<int> lincomb_of(count, -1);
    std::vector<LinComb> lincombs;
    std::vector<int> mark(count, -1);
    for (int r = static_cast<int>(count) - 1; r >= 0; --r) {
        if (covered[static_cast<std::size_t>(r)])
            continue;
        if (auto lc = match_lincomb(g, uses, r, mark)) {
            for (int c : lc->covered)
                covered[static_cast<std::size_t>(c)] = 1;
            lincomb_of[static_cast<std::size_t>(r)] = static_cast<int>(lincombs.size());
            lincombs.push_back(std::move(*lc));
        }
    }

    // Group linear combinations with the same activation over the same set of inputs.
    std::unordered_map<std::pair<Op, std::vector<int>>, int, GroupKeyHash> group_of;
    for (int r = 0; r < static_cast<int>(count); ++r) {
        const int li = lincomb_of[static_cast<std::size_t>(r)];
        if (li < 0)
            continue;
        const LinComb& lc = lincombs[static_cast<std::size_t>(li)];
        std::vector<int> key = lc.inputs;
        std::sort(key.begin(), key.end());
        const auto [it, inserted] = group_of.emplace(std::make_pair(lc.act, key), static_cast<int>(denses.size()));
        if (inserted) {
            Dense d;
            d.act = lc.act;
            d.inputs = lc.inputs;
            d.K = lc.inputs.size();
            denses.push_back(std::move(d));
        }
        Dense& d = denses[static_cast<std::size_t>(it->second)];
        d.members.push_back(r);
        d.bias_index.push_back(lc.bias);
        d.has_bias = d.has_bias || lc.bias >= 0;
        // Weights in the dense layer's input order (mark: input node -> its weight here).
        for (std::size_t t = 0; t < lc.inputs.size(); ++t)
            mark[static_cast<std::size_t>(lc.inputs[t])] = lc.weights[t];
        for (int in : d.inputs)
            d.weight_index.push_back(mark[static_cast<std::size_t>(in)]);
        for (int in : lc.inputs)
            mark[static_cast<std::size_t>(in)] = -1;
        dense_of[static_cast<std::size_t>(r)] = it->second;
    }
    for (std::size_t di = 0; di < denses.size(); ++di) {
        Dense& d = denses[di];
        if (di >= graph_denses) {
            d.M = d.members.size();
            d.base = d.weight_index.front();
            d.direct = true;
            for (std::size_t i = 0; i < d.weight_index.size(); ++i)
                if (d.weight_index[i] != d.base + static_cast<int>(i))
                    d.direct = false;
            if (d.direct)
                d.weight_index = {};
        }
        for (int in : d.inputs)
            d.need_dx = d.need_dx || g.nodes[static_cast<std::size_t>(in)].needs_grad;
        stats.dense_weights += d.M * d.K;
        stats.gathered_layers += d.direct ? 0 : 1;
    }
    stats.dense_layers = denses.size();

    // Instructions in topological order.
    col.assign(count, nullptr);
    std::vector<char> emitted_dense(denses.size(), 0);
    for (int n = 0; n < static_cast<int>(count); ++n) {
        const Node& node = g.nodes[static_cast<std::size_t>(n)];
        if (node.op == Op::Input || node.op == Op::Param || node.op == Op::Const ||
            covered[static_cast<std::size_t>(n)])
            continue;
        if (node.uniform) {
            scalar_program.push_back(n);
            continue;
        }
        if (const int di = dense_of[static_cast<std::size_t>(n)]; di >= 0) {
            if (!emitted_dense[static_cast<std::size_t>(di)]) {
                emitted_dense[static_cast<std::size_t>(di)] = 1;
                Instr in{Kind::Dense, n};
                in.dense = di;
                program.push_back(in);
            }
            continue;
        }
        program.push_back(
            Instr{is_binary(node.op) ? Kind::Binary : Kind::Unary, n, node.a, node.b, node.value, node.op});
        ++stats.elementwise;
    }
    // Outputs that depend on no input still need a column for the loss.
    for (int o : g.output_nodes)
        if (g.nodes[static_cast<std::size_t>(o)].uniform &&
            std::none_of(program.begin(), program.end(),
                         [o](const Instr& i) { return i.kind == Kind::Fill && i.node == o; }))
            program.push_back(Instr{Kind::Fill, o});
    stats.scalar_ops = scalar_program.size();
}

template <class T>
void Tape<T>::Impl::allocate()
{
    const Graph& g = *graph;
    const std::size_t count = g.nodes.size();
    // Which nodes get value and gradient columns.
    std::vector<char> has_col(count, 0), has_gcol(count, 0);
    for (int n : g.input_nodes)
        has_col[static_cast<std::size_t>(n)] = 1;
    for (const Instr& in : program) {
        if (in.kind == Kind::Dense) {
            for (int m : denses[static_cast<std::size_t>(in.dense)].members)
                has_col[static_cast<std::size_t>(m)] = 1;
        } else {
            has_col[static_cast<std::size_t>(in.node)] = 1;
        }
    }
    for (std::size_t n = 0; n < count; ++n)
        has_gcol[n] = has_col[n] && g.nodes[n].needs_grad;

    std::size_t max_m = 0;
    std::size_t total = 0;
    for (std::size_t n = 0; n < count; ++n)
        total += (has_col[n] + has_gcol[n]) * N;
    total += g.output_nodes.size() * N + N; // targets, junk column
    for (Dense& d : denses) {
        max_m = std::max(max_m, d.M);
        d.Kp = padded_count<T>(d.K);
        d.transposed = d.K >= 16;
        d.dw_in_place =
            d.transposed && d.direct && d.K == d.Kp && (static_cast<std::size_t>(d.base) * sizeof(T)) % kAlignment == 0;
        if (!d.direct)
            total += padded_count<T>(d.M * d.K);
        if (d.transposed) {
            total += B * d.Kp;
            if (!d.dw_in_place)
                total += d.M * d.Kp;
        } else if (!d.direct) {
            total += padded_count<T>(d.M * d.K);
        }
        total += 2 * padded_count<T>(d.M);
    }
    total += max_m * N;

    arena = AlignedArray<T>(total);
    T* next = arena.data();
    auto take = [&next](std::size_t n) {
        T* p = next;
        next += n;
        return p;
    };
    col.assign(count, nullptr);
    gcol.assign(count, nullptr);
    // Value columns first (inputs are adjacent, in input order), then gradient columns together so
    // backward() clears them with one memset.
    for (int n : g.input_nodes)
        col[static_cast<std::size_t>(n)] = take(N);
    for (std::size_t n = 0; n < count; ++n)
        if (has_col[n] && col[n] == nullptr)
            col[n] = take(N);
    gcols_begin = next;
    for (std::size_t n = 0; n < count; ++n)
        if (has_gcol[n])
            gcol[n] = take(N);
    gcols_end = next;
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o)
        targets.push_back(take(N));
    T* junk = take(N);
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o) {
        const std::size_t n = static_cast<std::size_t>(g.output_nodes[o]);
        out_cols.push_back(col[n]);
        target_cols.push_back(targets[o]);
        dout_cols.push_back(gcol[n] != nullptr ? gcol[n] : junk);
    }
    T* dz = take(max_m * N);
    for (Dense& d : denses) {
        for (int in : d.inputs) {
            d.x_rows.push_back(col[static_cast<std::size_t>(in)]);
            T* gx = gcol[static_cast<std::size_t>(in)];
            d.dx_rows.push_back(gx != nullptr ? gx : junk);
        }
        for (std::size_t j = 0; j < d.M; ++j) {
            const int m = d.members[j];
            d.y_rows.push_back(col[static_cast<std::size_t>(m)]);
            d.y_rows_c.push_back(col[static_cast<std::size_t>(m)]);
            d.dy_rows.push_back(gcol[static_cast<std::size_t>(m)]);
            d.dz_rows.push_back(dz + j * N);
            d.dz_rows_c.push_back(dz + j * N);
        }
        if (!d.direct)
            d.w_scratch = take(padded_count<T>(d.M * d.K));
        if (d.transposed) {
            d.xt = take(B * d.Kp);
            for (std::size_t b = 0; b < B; ++b)
                d.xt_rows.push_back(d.xt + b * d.Kp);
            T* dw = d.dw_in_place ? grads.data() + d.base : take(d.M * d.Kp);
            if (!d.dw_in_place)
                d.dw_scratch = dw;
            const std::size_t stride = d.dw_in_place ? d.K : d.Kp;
            for (std::size_t j = 0; j < d.M; ++j)
                d.dw_rows.push_back(dw + j * stride);
        } else if (!d.direct) {
            d.dw_scratch = take(padded_count<T>(d.M * d.K));
        }
        d.bias_values = take(padded_count<T>(d.M));
        d.sums = take(padded_count<T>(d.M));
    }
    scalars.assign(count, T(0));
    scalar_grads.assign(count, T(0));
    for (std::size_t n = 0; n < count; ++n)
        if (g.nodes[n].op == Op::Const)
            scalars[n] = static_cast<T>(g.nodes[n].value);
}

template void Tape<float>::Impl::compile(const Graph&);
template void Tape<double>::Impl::compile(const Graph&);
template void Tape<float>::Impl::allocate();
template void Tape<double>::Impl::allocate();

} // namespace cgp
