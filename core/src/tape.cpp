// Tape: compiles a Graph into instructions over batch columns (with dense-layer fusion) and runs
// the forward pass, the loss and the reverse-mode backward pass through a kernel table.
#include <cgp/aligned.hpp>
#include <cgp/error.hpp>
#include <cgp/tape.hpp>

#include "kernels/kernels.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace cgp {
namespace {

using kernels::Act;
using kernels::BinaryOp;
using kernels::Operand;
using kernels::UnaryOp;

std::optional<Act> activation_of(Op op)
{
    switch (op) {
    case Op::Sigmoid: return Act::Sigmoid;
    case Op::Relu: return Act::Relu;
    case Op::Tanh: return Act::Tanh;
    default: return std::nullopt;
    }
}

UnaryOp unary_of(Op op)
{
    switch (op) {
    case Op::Neg: return UnaryOp::Neg;
    case Op::Sigmoid: return UnaryOp::Sigmoid;
    case Op::Relu: return UnaryOp::Relu;
    case Op::Tanh: return UnaryOp::Tanh;
    case Op::Exp: return UnaryOp::Exp;
    case Op::Log: return UnaryOp::Log;
    case Op::Sqrt: return UnaryOp::Sqrt;
    case Op::Abs: return UnaryOp::Abs;
    case Op::PowInt: return UnaryOp::PowInt;
    default: throw Error("internal error: not a unary operation");
    }
}

BinaryOp binary_of(Op op)
{
    switch (op) {
    case Op::Add: return BinaryOp::Add;
    case Op::Sub: return BinaryOp::Sub;
    case Op::Mul: return BinaryOp::Mul;
    case Op::Div: return BinaryOp::Div;
    case Op::Pow: return BinaryOp::Pow;
    default: throw Error("internal error: not a binary operation");
    }
}

// A matched act(sum_i w_i * x_i + bias): weights are parameters, x_i distinct column nodes.
struct LinComb {
    int root = -1;
    Act act = Act::None;
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
    if (const auto act = activation_of(root.op)) {
        lc.act = *act;
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

// out[b * ld + k] = rows[k][b] for k < K, b < B, in 16 x 16 blocks (both sides stay in cache).
template <class T>
void transpose(const T* const* rows, std::size_t K, std::size_t B, T* out, std::size_t ld)
{
    constexpr std::size_t tile = 16;
    for (std::size_t k0 = 0; k0 < K; k0 += tile)
        for (std::size_t b0 = 0; b0 < B; b0 += tile)
            for (std::size_t k = k0; k < std::min(K, k0 + tile); ++k) {
                const T* row = rows[k];
                for (std::size_t b = b0; b < std::min(B, b0 + tile); ++b)
                    out[b * ld + k] = row[b];
            }
}

} // namespace

template <class T>
struct Tape<T>::Impl {
    enum class Kind { Dense, Unary, Binary, Fill };
    struct Instr {
        Kind kind;
        int node;       // result
        int a = -1, b = -1;
        double arg = 0; // PowInt exponent
        UnaryOp uop{};
        BinaryOp bop{};
        int dense = -1;
    };
    struct Dense {
        Act act = Act::None;
        std::size_t M = 0, K = 0;
        std::vector<int> members, inputs;
        std::vector<int> weight_index; // M*K parameter indices, row-major
        std::vector<int> bias_index;   // M, -1 for none
        bool direct = false;           // weights are params[base .. base+M*K) row-major
        int base = 0;
        bool need_dx = false;
        bool has_bias = false;
        // Wide layers compute the weight gradient as dZ (M x B) times X transposed (B x Kp), with
        // the broadcast kernel; narrow ones as M*K dot products over the batch.
        bool transposed = false;
        std::size_t Kp = 0;          // K padded to whole 64-byte lines
        T* xt = nullptr;             // B rows of Kp: the layer's input, transposed
        std::vector<const T*> xt_rows;
        std::vector<T*> dw_rows;     // M rows of the weight gradient: into grads, or dw_scratch
        bool dw_in_place = false;    // dw_rows point into the gradient array
        std::vector<const T*> x_rows;
        std::vector<T*> y_rows, dz_rows, dx_rows;
        std::vector<const T*> y_rows_c, dy_rows, dz_rows_c;
        T* w_scratch = nullptr;
        T* dw_scratch = nullptr;
        T* bias_values = nullptr;
        T* sums = nullptr;
    };

    const Graph* graph = nullptr;
    std::size_t B = 0, N = 0;
    SimdPath path = SimdPath::Scalar;
    const kernels::Table<T>* k = nullptr;       // the chosen path
    const kernels::Table<T>* scalar = nullptr;  // once-per-batch scalar program
    TapeStats stats;

    AlignedArray<T> params, grads;
    AlignedArray<T> arena;
    std::vector<T> scalars, scalar_grads;       // per node: uniform values / gradients
    std::vector<T*> col, gcol;                  // per node: value / gradient column, or null
    std::vector<T*> targets;
    std::vector<Instr> program;                 // column instructions, topological order
    std::vector<int> scalar_program;            // uniform operation nodes, topological order
    std::vector<Dense> denses;

    T* value_slot(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        return node.op == Op::Param ? params.data() + node.index : &scalars[static_cast<std::size_t>(n)];
    }
    T* grad_slot(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        if (!node.needs_grad)
            return nullptr;
        return node.op == Op::Param ? grads.data() + node.index : &scalar_grads[static_cast<std::size_t>(n)];
    }
    Operand<T> operand(int n)
    {
        Operand<T> o;
        if (col[static_cast<std::size_t>(n)] != nullptr && !graph->nodes[static_cast<std::size_t>(n)].uniform)
            o.col = col[static_cast<std::size_t>(n)];
        else
            o.scalar = value_slot(n);
        return o;
    }
    // Gradient target for operand n of a column instruction: its column, or its scalar slot.
    T* operand_grad(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        if (!node.needs_grad)
            return nullptr;
        return node.uniform ? grad_slot(n) : gcol[static_cast<std::size_t>(n)];
    }

    void compile(const Graph& g);
    void allocate();
    double forward();
    void backward();
};

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
    std::map<std::pair<Act, std::vector<int>>, int> group_of;
    std::vector<int> dense_of(count, -1);
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
    for (Dense& d : denses) {
        d.M = d.members.size();
        d.base = d.weight_index.front();
        d.direct = true;
        for (std::size_t i = 0; i < d.weight_index.size(); ++i)
            if (d.weight_index[i] != d.base + static_cast<int>(i))
                d.direct = false;
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
        if (node.op == Op::Input || node.op == Op::Param || node.op == Op::Const || covered[static_cast<std::size_t>(n)])
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
        Instr in{is_binary(node.op) ? Kind::Binary : Kind::Unary, n, node.a, node.b, node.value};
        if (in.kind == Kind::Binary)
            in.bop = binary_of(node.op);
        else
            in.uop = unary_of(node.op);
        program.push_back(in);
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
        d.dw_in_place = d.transposed && d.direct && d.K == d.Kp &&
                        (static_cast<std::size_t>(d.base) * sizeof(T)) % kAlignment == 0;
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
    for (std::size_t n = 0; n < count; ++n)
        if (has_gcol[n])
            gcol[n] = take(N);
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o)
        targets.push_back(take(N));
    T* junk = take(N);
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

template <class T>
double Tape<T>::Impl::forward()
{
    const Graph& g = *graph;
    for (int n : scalar_program) {
        const Node& node = g.nodes[static_cast<std::size_t>(n)];
        T* z = &scalars[static_cast<std::size_t>(n)];
        if (is_binary(node.op))
            scalar->binary(binary_of(node.op), 1, Operand<T>{nullptr, value_slot(node.a)},
                           Operand<T>{nullptr, value_slot(node.b)}, z);
        else
            scalar->unary(unary_of(node.op), node.value, 1, value_slot(node.a), z);
    }
    for (const Instr& in : program) {
        switch (in.kind) {
        case Kind::Dense: {
            Dense& d = denses[static_cast<std::size_t>(in.dense)];
            const T* W = params.data() + d.base;
            if (!d.direct) {
                for (std::size_t i = 0; i < d.M * d.K; ++i)
                    d.w_scratch[i] = params[static_cast<std::size_t>(d.weight_index[i])];
                W = d.w_scratch;
            }
            k->gemm(d.M, N, d.K, W, static_cast<std::ptrdiff_t>(d.K), 1, d.x_rows.data(), d.y_rows.data(), false);
            if (d.has_bias)
                for (std::size_t j = 0; j < d.M; ++j)
                    d.bias_values[j] = d.bias_index[j] >= 0 ? params[static_cast<std::size_t>(d.bias_index[j])] : T(0);
            if (d.has_bias || d.act != Act::None)
                k->bias_act(d.act, d.M, N, d.y_rows.data(), d.has_bias ? d.bias_values : nullptr);
            break;
        }
        case Kind::Unary:
            k->unary(in.uop, in.arg, N, col[static_cast<std::size_t>(in.a)], col[static_cast<std::size_t>(in.node)]);
            break;
        case Kind::Binary:
            k->binary(in.bop, N, operand(in.a), operand(in.b), col[static_cast<std::size_t>(in.node)]);
            break;
        case Kind::Fill:
            k->fill(N, *value_slot(in.node), col[static_cast<std::size_t>(in.node)]);
            break;
        }
    }
    double loss = 0.0;
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o)
        loss += static_cast<double>(
            k->squared_error(N, B, col[static_cast<std::size_t>(g.output_nodes[o])], targets[o], nullptr, T(0)));
    return loss / static_cast<double>(B);
}

template <class T>
void Tape<T>::Impl::backward()
{
    const Graph& g = *graph;
    grads.zero();
    std::fill(scalar_grads.begin(), scalar_grads.end(), T(0));
    for (T* gc : gcol)
        if (gc != nullptr)
            std::fill(gc, gc + N, T(0));
    const T scale = static_cast<T>(2.0 / static_cast<double>(B));
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o) {
        const int n = g.output_nodes[o];
        if (T* dy = gcol[static_cast<std::size_t>(n)])
            k->squared_error(N, B, col[static_cast<std::size_t>(n)], targets[o], dy, scale);
    }
    for (auto it = program.rbegin(); it != program.rend(); ++it) {
        const Instr& in = *it;
        switch (in.kind) {
        case Kind::Dense: {
            Dense& d = denses[static_cast<std::size_t>(in.dense)];
            k->act_backward(d.act, d.M, N, B, d.y_rows_c.data(), d.dy_rows.data(), d.dz_rows.data(),
                            d.has_bias ? d.sums : nullptr);
            if (d.has_bias)
                for (std::size_t j = 0; j < d.M; ++j)
                    if (d.bias_index[j] >= 0)
                        grads[static_cast<std::size_t>(d.bias_index[j])] += d.sums[j];
            const T* W = d.direct ? params.data() + d.base : d.w_scratch;
            if (d.transposed) {
                transpose(d.x_rows.data(), d.K, B, d.xt, d.Kp);
                k->gemm(d.M, d.Kp, B, d.dz_rows_c.front(), static_cast<std::ptrdiff_t>(N), 1, d.xt_rows.data(),
                        d.dw_rows.data(), d.dw_in_place);
                if (!d.dw_in_place)
                    for (std::size_t j = 0; j < d.M; ++j)
                        for (std::size_t i = 0; i < d.K; ++i) {
                            const std::size_t w = d.direct ? static_cast<std::size_t>(d.base) + j * d.K + i
                                                           : static_cast<std::size_t>(d.weight_index[j * d.K + i]);
                            grads[w] += d.dw_scratch[j * d.Kp + i];
                        }
            } else if (d.direct) {
                k->gemm_dot(d.M, d.K, B, d.dz_rows_c.data(), d.x_rows.data(), grads.data() + d.base,
                            static_cast<std::ptrdiff_t>(d.K), 1);
            } else {
                std::fill(d.dw_scratch, d.dw_scratch + d.M * d.K, T(0));
                k->gemm_dot(d.M, d.K, B, d.dz_rows_c.data(), d.x_rows.data(), d.dw_scratch,
                            static_cast<std::ptrdiff_t>(d.K), 1);
                for (std::size_t i = 0; i < d.M * d.K; ++i)
                    grads[static_cast<std::size_t>(d.weight_index[i])] += d.dw_scratch[i];
            }
            if (d.need_dx)
                k->gemm(d.K, N, d.M, W, 1, static_cast<std::ptrdiff_t>(d.K), d.dz_rows_c.data(), d.dx_rows.data(), true);
            break;
        }
        case Kind::Unary: {
            T* da = operand_grad(in.a);
            if (da != nullptr)
                k->unary_backward(in.uop, in.arg, N, col[static_cast<std::size_t>(in.a)],
                                  col[static_cast<std::size_t>(in.node)], gcol[static_cast<std::size_t>(in.node)], da);
            break;
        }
        case Kind::Binary: {
            T* ga = operand_grad(in.a);
            T* gb = operand_grad(in.b);
            if (ga != nullptr || gb != nullptr)
                k->binary_backward(in.bop, N, B, operand(in.a), operand(in.b), col[static_cast<std::size_t>(in.node)],
                                   gcol[static_cast<std::size_t>(in.node)], ga, gb);
            break;
        }
        case Kind::Fill:
            if (T* gs = grad_slot(in.node))
                *gs += k->sum(B, gcol[static_cast<std::size_t>(in.node)]);
            break;
        }
    }
    for (auto it = scalar_program.rbegin(); it != scalar_program.rend(); ++it) {
        const int n = *it;
        const Node& node = g.nodes[static_cast<std::size_t>(n)];
        T* dz = grad_slot(n);
        if (dz == nullptr)
            continue;
        T* z = &scalars[static_cast<std::size_t>(n)];
        if (is_binary(node.op)) {
            T* ga = grad_slot(node.a);
            T* gb = grad_slot(node.b);
            scalar->binary_backward(binary_of(node.op), 1, 1, Operand<T>{nullptr, value_slot(node.a)},
                                    Operand<T>{nullptr, value_slot(node.b)}, z, dz, ga, gb);
        } else if (T* da = grad_slot(node.a)) {
            scalar->unary_backward(unary_of(node.op), node.value, 1, value_slot(node.a), z, dz, da);
        }
    }
}

template <class T>
Tape<T>::Tape(const Graph& graph, std::size_t batch_size, SimdPath path) : impl_(std::make_unique<Impl>())
{
    if (batch_size == 0)
        throw Error("the batch size must be at least 1");
    Impl& m = *impl_;
    m.graph = &graph;
    m.B = batch_size;
    m.N = padded_count<T>(batch_size);
    m.path = resolve_simd_path(path);
    m.k = kernels::table<T>(m.path);
    m.scalar = kernels::table<T>(SimdPath::Scalar);
    if (m.k == nullptr)
        throw Error("this build has no kernels for --simd " + std::string(to_string(m.path)));
    m.params = AlignedArray<T>(graph.params.size());
    m.grads = AlignedArray<T>(graph.params.size());
    m.compile(graph);
    m.allocate();
}

template <class T>
Tape<T>::~Tape() = default;
template <class T>
Tape<T>::Tape(Tape&&) noexcept = default;
template <class T>
Tape<T>& Tape<T>::operator=(Tape&&) noexcept = default;

template <class T>
std::size_t Tape<T>::batch_size() const noexcept
{
    return impl_->B;
}
template <class T>
std::size_t Tape<T>::padded_batch() const noexcept
{
    return impl_->N;
}
template <class T>
SimdPath Tape<T>::simd_path() const noexcept
{
    return impl_->path;
}
template <class T>
const TapeStats& Tape<T>::stats() const noexcept
{
    return impl_->stats;
}
template <class T>
std::span<T> Tape<T>::params() noexcept
{
    return impl_->params.span();
}
template <class T>
std::span<const T> Tape<T>::params() const noexcept
{
    return impl_->params.span();
}
template <class T>
std::span<const T> Tape<T>::grads() const noexcept
{
    return impl_->grads.span();
}
template <class T>
std::span<T> Tape<T>::grads() noexcept
{
    return impl_->grads.span();
}
template <class T>
const Graph& Tape<T>::graph() const noexcept
{
    return *impl_->graph;
}
template <class T>
T* Tape<T>::input(std::size_t k) noexcept
{
    return impl_->col[static_cast<std::size_t>(impl_->graph->input_nodes[k])];
}
template <class T>
T* Tape<T>::target(std::size_t o) noexcept
{
    return impl_->targets[o];
}
template <class T>
double Tape<T>::forward()
{
    return impl_->forward();
}
template <class T>
void Tape<T>::backward()
{
    impl_->backward();
}
template <class T>
T Tape<T>::value(int node, std::size_t sample) const noexcept
{
    Impl& m = *impl_;
    const Node& n = m.graph->nodes[static_cast<std::size_t>(node)];
    if (!n.uniform && m.col[static_cast<std::size_t>(node)] != nullptr)
        return m.col[static_cast<std::size_t>(node)][sample];
    return *m.value_slot(node);
}

template class Tape<float>;
template class Tape<double>;

} // namespace cgp
