// Presets, generated layered models, model files and --expr statements, all as ModelSpec.
#include <cgp/io/read_file.hpp>
#include <cgp/language/model.hpp>

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace cgp {
namespace {

const char* const kOneNeuron = "xw=ab*xa+bc*xb+cd*xc+ac*xd";
const char* const kMultiNeuron = "xw=ap*xp+aq*xq+ar*xr+as*xs\nxz=bp*xp+bq*xq+br*xr+bs*xs\nxo=cp*xw+cq*xz";

std::vector<std::string_view> split_words(std::string_view s)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r')
            ++j;
        if (j > i)
            out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

int column_of(const std::string& line, std::string_view word)
{
    return static_cast<int>(word.data() - line.data()) + 1;
}

} // namespace

std::string_view to_string(Activation a) noexcept
{
    return to_string(a.op());
}

Activation parse_activation(std::string_view text)
{
    if (const auto op = activation_op(text))
        return Activation(*op);
    throw Error(fmt::format("unknown activation '{}'; use one of: {}", text, activation_names()));
}

std::vector<std::string> preset_names()
{
    return {"one-neuron", "multi-neuron"};
}

bool is_preset(std::string_view name) noexcept
{
    return name == "one-neuron" || name == "multi-neuron";
}

ModelSpec preset_model(std::string_view name)
{
    ModelSpec spec;
    spec.name = std::string(name);
    spec.activation = Activation::Sigmoid;
    spec.node_bias = true;
    if (name == "one-neuron") {
        spec.text = parse_statements("preset one-neuron", kOneNeuron);
    } else if (name == "multi-neuron") {
        spec.text = parse_statements("preset multi-neuron", kMultiNeuron);
        spec.layers = {4, 2, 1};
    } else {
        throw Error(fmt::format("unknown model preset '{}'; presets are: one-neuron multi-neuron\n"
                                "hint: --model also takes a model file path, and --layers builds a layered network",
                                name));
    }
    return spec;
}

ModelSpec layered_model(const std::vector<int>& layers, Activation activation)
{
    if (layers.size() < 2)
        throw Error("a layered model needs at least 2 layers (inputs and outputs), e.g. --layers 4 2 1");
    for (int n : layers)
        if (n < 1 || n > 4096)
            throw Error(fmt::format("layer size {} is out of range; each layer has 1 to 4096 nodes", n));
    std::string label = "layers";
    for (int n : layers)
        label += fmt::format(" {}", n);
    ModelSpec spec;
    spec.name = label;
    spec.text.origin = label;
    spec.activation = activation;
    spec.node_bias = true;
    spec.layers = layers;
    spec.generated = true;
    return spec;
}

ModelSpec parse_model_text(std::string origin, std::string_view text)
{
    ModelSpec spec;
    spec.name = origin;
    spec.text.origin = std::move(origin);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        spec.text.lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    const ParsedText& src = spec.text;
    bool saw_activation = false, saw_bias = false;
    for (int number = 1; number <= static_cast<int>(src.lines.size()); ++number) {
        const std::string& line = src.lines[static_cast<std::size_t>(number - 1)];
        std::string_view code(line);
        if (const auto hash = code.find('#'); hash != std::string_view::npos)
            code = code.substr(0, hash);
        if (code.find('=') != std::string_view::npos) {
            parse_line(spec.text, number);
            continue;
        }
        const auto words = split_words(code);
        if (words.empty())
            continue;
        const std::string_view key = words[0];
        const SourcePos key_pos{number, column_of(line, key)};
        auto arg_pos = [&](std::size_t i) { return SourcePos{number, column_of(line, words[i])}; };
        if (key == "activation") {
            if (words.size() != 2)
                src.fail(key_pos, "'activation' takes one value", "activation " + activation_names("|"));
            if (saw_activation)
                src.fail(key_pos, "'activation' is given twice");
            saw_activation = true;
            try {
                spec.activation = parse_activation(words[1]);
            } catch (const Error&) {
                src.fail(arg_pos(1), fmt::format("unknown activation '{}'", words[1]),
                         "use one of: " + activation_names());
            }
        } else if (key == "bias") {
            if (words.size() != 2 || (words[1] != "none" && words[1] != "per-node"))
                src.fail(words.size() >= 2 ? arg_pos(1) : key_pos, "'bias' takes 'none' or 'per-node'");
            if (saw_bias)
                src.fail(key_pos, "'bias' is given twice");
            saw_bias = true;
            spec.node_bias = words[1] == "per-node";
        } else if (key == "layers") {
            if (!spec.layers.empty())
                src.fail(key_pos, "'layers' is given twice");
            if (words.size() < 3)
                src.fail(key_pos, "'layers' needs at least two sizes, inputs first", "for example: layers 4 2 1");
            for (std::size_t i = 1; i < words.size(); ++i) {
                int n = 0;
                const auto [p, ec] = std::from_chars(words[i].data(), words[i].data() + words[i].size(), n);
                if (ec != std::errc() || p != words[i].data() + words[i].size() || n < 1)
                    src.fail(arg_pos(i), fmt::format("layer size '{}' is not a positive whole number", words[i]));
                spec.layers.push_back(n);
            }
            spec.layers_pos = key_pos;
        } else if (key == "output") {
            if (words.size() < 2)
                src.fail(key_pos, "'output' needs at least one variable name");
            for (std::size_t i = 1; i < words.size(); ++i)
                spec.outputs.push_back({std::string(words[i]), arg_pos(i)});
        } else {
            src.fail(key_pos, fmt::format("unknown directive '{}'", key),
                     "a line is a statement (name = expression) or one of: activation, bias, layers, output");
        }
    }
    return spec;
}

ModelSpec load_model_file(const std::filesystem::path& path)
{
    return parse_model_text(
        path.string(), read_input_file(path, "model file", kModelFileLimit,
                                       "--model takes a preset (one-neuron, multi-neuron) or a readable model file"));
}

ModelSpec expr_model(const std::vector<std::string>& expressions)
{
    ModelSpec spec;
    spec.name = "--expr";
    spec.text.origin = "--expr";
    for (const std::string& e : expressions) {
        if (e.find('\n') != std::string::npos)
            throw Error("an --expr value must be one line; give each statement its own --expr");
        spec.text.lines.push_back(e);
        parse_line(spec.text, static_cast<int>(spec.text.lines.size()));
    }
    return spec;
}

} // namespace cgp
