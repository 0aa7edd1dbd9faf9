// cgp/training/init.hpp: the initial values of a model's parameters (--init, --init-bias,
// --init-params, --set).
//
// Schemes, by --init spelling:
//   cgp             every parameter uniform(0, 1), drawn in parameter order (CGP's; the presets' default)
//   pytorch         torch.nn.Linear's reset_parameters: weights and biases uniform(-1/sqrt(fan_in), +)
//   xavier-uniform  Glorot: uniform(-a, a), a = sqrt(6 / (fan_in + fan_out)); biases 0
//   xavier-normal   Glorot: normal(0, sqrt(2 / (fan_in + fan_out))); biases 0
//   he-uniform      Kaiming (ReLU gain): uniform(-a, a), a = sqrt(6 / fan_in); biases 0
//   he-normal       Kaiming: normal(0, sqrt(2 / fan_in)); biases 0
//   uniform:LO,HI   every parameter uniform(LO, HI)
//   normal:MEAN,SD  every parameter normal(MEAN, SD)
//   auto            layered models: xavier-uniform, or he-uniform when the hidden activation is relu;
//                   every other model: cgp
// --init-bias zeros sets every per-node bias to 0 after the scheme (pytorch, uniform, normal and
// cgp draw biases too); --init-bias default keeps the scheme's.
//
// Fans come from the model's tensors (training/transforms.hpp, parameter_tensors): a layered model's
// layer l has fan_in = layers[l-1] and fan_out = layers[l]; any other model's variable has fan_in =
// the number of its weights and fan_out = the number of variables that read it (at least 1).
//
// Draw order, with one random stream seeded by --seed: `cgp`, `uniform` and `normal` draw every
// parameter in the graph's parameter order (today's CGP order). The fan-based schemes draw by name,
// independent of how the flat parameter array is laid out: defined variables in statement order
// (for layered models, layer by layer: all of layer 1's weights in statement order, i.e. row-major
// [out][in] as torch.nn.Linear's weight, then layer 1's biases, then layer 2), each variable's
// weights before its bias.
//
// Then --init-params FILE (JSON {"name": value} or {"parameters": {...}} as --save-model writes, or
// CSV name,value rows) replaces values by name, and --set NAME=VALUE replaces single values.
#pragma once

#include <cgp/data/rng.hpp>
#include <cgp/graph/graph.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cgp {

enum class InitScheme { Auto, Cgp, Pytorch, XavierUniform, XavierNormal, HeUniform, HeNormal, Uniform, Normal };

struct InitSettings {
    InitScheme scheme = InitScheme::Cgp;
    double a = 0.0, b = 1.0; // uniform(a, b) or normal(mean a, sd b)
    bool zero_bias = false;
    std::string params_file;                         // --init-params, or empty
    std::vector<std::pair<std::string, double>> set; // --set NAME=VALUE, in order
};

// Parses an --init spelling into scheme, a and b; throws cgp::Error listing the schemes.
void parse_init(std::string_view text, InitSettings& out);
std::string to_string(const InitSettings& s); // the --init spelling
// Parses one --set NAME=VALUE; throws cgp::Error naming it.
std::pair<std::string, double> parse_set(std::string_view text);

// The scheme `auto` resolves to for this model (a generated --layers model, or any other).
InitScheme resolve_init(InitScheme scheme, const ModelSpec& model);

// The initial values, in parameter order (`auto`, unresolved, draws as cgp). Throws cgp::Error for an --init-params file that cannot be
// read, names a parameter the model lacks or omits one it has, and for --set of an unknown name.
std::vector<double> initial_values(const Graph& g, const InitSettings& s, std::uint64_t seed);
// The same values written in place into `out` (one per parameter), each converted to T as it is
// drawn: a run fills its tape's parameters with no second array beside them. Defined for float and
// double.
template <class T>
void fill_initial_values(const Graph& g, const InitSettings& s, std::uint64_t seed, std::span<T> out);

// Parameter values by name from a JSON or CSV file (the formats above); errors name the file.
std::vector<std::pair<std::string, double>> read_param_values(const std::string& path);

} // namespace cgp
