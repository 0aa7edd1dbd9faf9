// Generated layered models: the graph built straight from the layer sizes is one of dense layers (a
// node per unit, nothing per weight) whose scalar form is the graph of the same statements written
// out and parsed, node for node, name for name, with its fingerprint, in every parameter order.
#include <cgp/graph/graph.hpp>
#include <cgp/io/error.hpp>
#include <cgp/language/layered.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <string>

using namespace cgp;

namespace {

// The same model, with its statements written out and parsed (build_graph's general path).
ModelSpec parsed(ModelSpec spec)
{
    std::string text;
    for (const std::string& line : layered_statements(spec.layers))
        text += (text.empty() ? "" : "\n") + line;
    spec.text = parse_statements(spec.name, text);
    return spec;
}

// The graph built as dense layers against the statements built node by node (a generated model's
// written out first): node for node, name for name, one fingerprint.
void check_same(const ModelSpec& spec, ParamOrder order)
{
    const Graph dense = build_graph(spec, order);
    const Graph reference =
        build_graph(spec.text.statements.empty() ? parsed(spec) : spec, order, StatementRoute::Nodes);
    BOOST_TEST(
        std::none_of(reference.nodes.begin(), reference.nodes.end(), [](const Node& n) { return n.op == Op::Dense; }));
    std::size_t units = 0;
    for (std::size_t l = 1; l < spec.layers.size(); ++l)
        units += static_cast<std::size_t>(spec.layers[l]);
    BOOST_TEST(dense.nodes.size() == static_cast<std::size_t>(spec.layers[0]) + units);
    BOOST_TEST(!dense.dense.empty());
    BOOST_TEST(is_dense_model(dense));
    BOOST_TEST(dense.fingerprint() == reference.fingerprint());
    BOOST_TEST(scalar_node_count(dense) == reference.nodes.size());
    BOOST_TEST(dense.params == reference.params);
    for (std::size_t i = 0; i < reference.params.size(); ++i)
        BOOST_TEST((dense.params.find(reference.params[i]) == std::optional<std::size_t>(i)));
    const Graph direct = scalar_form(dense);
    BOOST_TEST_REQUIRE(direct.nodes.size() == reference.nodes.size());
    for (std::size_t n = 0; n < direct.nodes.size(); ++n) {
        const Node& a = direct.nodes[n];
        const Node& b = reference.nodes[n];
        BOOST_TEST_INFO("node " << n);
        BOOST_TEST((a.op == b.op && a.a == b.a && a.b == b.b && a.index == b.index && a.value == b.value &&
                    a.uniform == b.uniform && a.needs_grad == b.needs_grad && a.label == b.label));
    }
    BOOST_TEST(direct.params == reference.params, boost::test_tools::per_element());
    BOOST_TEST(direct.inputs == reference.inputs, boost::test_tools::per_element());
    BOOST_TEST(direct.input_nodes == reference.input_nodes, boost::test_tools::per_element());
    BOOST_TEST(direct.outputs == reference.outputs, boost::test_tools::per_element());
    BOOST_TEST(direct.output_nodes == reference.output_nodes, boost::test_tools::per_element());
    BOOST_TEST(direct.variables == reference.variables, boost::test_tools::per_element());
    BOOST_TEST(direct.variable_nodes == reference.variable_nodes, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(direct.definitions.size() == reference.definitions.size());
    for (std::size_t v = 0; v < direct.definitions.size(); ++v) {
        BOOST_TEST(direct.definitions[v].body == reference.definitions[v].body);
        BOOST_TEST(direct.definitions[v].bias == reference.definitions[v].bias);
        BOOST_TEST((direct.definitions[v].activation == reference.definitions[v].activation));
        BOOST_TEST(direct.variable_uses[v] == reference.variable_uses[v], boost::test_tools::per_element());
    }
    BOOST_TEST(direct.layers == reference.layers, boost::test_tools::per_element());
    BOOST_TEST(direct.node_bias == reference.node_bias);
    BOOST_TEST(direct.fingerprint() == reference.fingerprint());
}

} // namespace

BOOST_AUTO_TEST_SUITE(layered_graph)

BOOST_AUTO_TEST_CASE(direct_build_equals_the_parsed_statements_in_both_parameter_orders)
{
    for (const auto& layers : {std::vector<int>{4, 2, 1}, {1, 1}, {3, 5, 1, 2}, {2, 7}})
        for (const ParamOrder order : {ParamOrder::PerLayer, ParamOrder::BiasesLast})
            check_same(layered_model(layers), order);
}

BOOST_AUTO_TEST_CASE(direct_build_equals_the_parsed_statements_without_bias_or_activation)
{
    ModelSpec spec = layered_model({3, 4, 2}, Activation::None);
    spec.node_bias = false;
    check_same(spec, ParamOrder::PerLayer);
    check_same(spec, ParamOrder::BiasesLast);
}

BOOST_AUTO_TEST_CASE(direct_build_equals_the_parsed_statements_with_an_output_activation_and_outputs)
{
    ModelSpec spec = layered_model({3, 4, 2}, Activation::Relu);
    spec.output_activation = Activation::Tanh;
    check_same(spec, ParamOrder::PerLayer);
    spec.outputs = {{"x2_1", {}}, {"x1_3", {}}};
    check_same(spec, ParamOrder::PerLayer);
}

BOOST_AUTO_TEST_CASE(the_statements_of_a_layers_line_are_built_as_dense_layers_equal_to_the_statement_route)
{
    for (const ParamOrder order : {ParamOrder::PerLayer, ParamOrder::BiasesLast}) {
        check_same(preset_model("multi-neuron"), order);
        check_same(parse_model_text("m", "layers 2 3 1\nactivation tanh\nbias per-node\n"
                                         "xh = a*xp + b*xq\nxi = c*xp + d*xq\nxj = e*xp + f*xq\n"
                                         "xo = g*xh + h*xi + k*xj\n"),
                   order);
        check_same(parse_model_text("m", "layers 1 2 2\nbias none\nactivation relu\n"
                                         "xh = a*xp\nxi = b*xp\nxo = c*xh + d*xi\nxz = e*xh + f*xi\noutput xz xo\n"),
                   order);
    }
    ModelSpec outputs = parse_model_text("m", "layers 2 2 2\nxh = a*xp + b*xq\nxi = c*xp + d*xq\n"
                                              "xo = e*xh + f*xi\nxz = g*xh + h*xi\noutput xz xi\n");
    outputs.output_activation = Activation::Tanh;
    check_same(outputs, ParamOrder::PerLayer);
    const Graph g = build_graph(preset_model("multi-neuron"));
    BOOST_TEST(g.dense.size() == 2u);
    BOOST_TEST(g.nodes.size() == 4u + 3u);
}

BOOST_AUTO_TEST_CASE(statements_that_are_not_a_dense_layer_are_built_node_by_node)
{
    const char* const texts[] = {
        "layers 2 1\nxo = a*xp + b*xq + c\n",                                   // a parameter besides the weights
        "layers 2 1\nxo = xp*a + b*xq\n",                                       // a variable times a parameter
        "layers 2 2 1\nxh = a*xp + b*xq\nxi = c*xq + d*xp\nxo = e*xh + f*xi\n", // inputs in another order
        "layers 2 2 1\nxh = a*xp + b*xq\nxi = a*xp + d*xq\nxo = e*xh + f*xi\n", // a shared weight
        "layers 2 2 1\nxh = a*xp + b*xp\nxi = c*xp + d*xq\nxo = e*xh + f*xi\n", // an input read twice
        "layers 2 1\nxo = a*xp + b*sin(xq)\n",
        "xh = a*xp + b*xq\nxo = e*xh\n", // no layers line
    };
    for (const char* text : texts) {
        BOOST_TEST_INFO(text);
        const Graph g = build_graph(parse_model_text("m", text));
        BOOST_TEST(g.dense.empty());
    }
    // The parenthesised sum is the same tree as the plain one: dense.
    BOOST_TEST(!build_graph(parse_model_text("m", "layers 2 1\nxo = (a*xp) + (b*xq)\n")).dense.empty());
}

BOOST_AUTO_TEST_CASE(generated_parameter_names_are_found_by_name_and_others_are_not)
{
    const Graph g = build_graph(layered_model({3, 4, 2}));
    BOOST_TEST(g.params.size() == 3u * 4u + 4u + 4u * 2u + 2u);
    BOOST_TEST(g.params[0] == "w1_0_0");
    BOOST_TEST(g.params[13] == "x1_1.bias");
    BOOST_TEST(g.params[16] == "w2_0_0");
    BOOST_TEST(*g.params.find("w2_1_3") == 16u + 4u + 3u);
    BOOST_TEST(*g.params.find("x2_1.bias") == 25u);
    for (const char* absent : {"w1_4_0", "w1_0_3", "w3_0_0", "x1_4.bias", "w1_00_0", "w1_0", "x0_0.bias", "ab", ""}) {
        BOOST_TEST_INFO(absent);
        BOOST_TEST(!g.params.find(absent).has_value());
    }
    ParamNames given{"ab", "bc"};
    given.add_weights(1, 0, 1, 2);
    given.push_back("cd");
    BOOST_TEST((given == std::vector<std::string>{"ab", "bc", "w1_0_0", "w1_0_1", "cd"}));
    BOOST_TEST(*given.find("cd") == 4u);
    BOOST_TEST(*given.find("w1_0_1") == 3u);
}

BOOST_AUTO_TEST_CASE(an_undefined_or_repeated_output_of_a_layered_model_is_refused_by_name)
{
    ModelSpec spec = layered_model({3, 4, 2});
    spec.outputs = {{"x3_0", {}}};
    try {
        build_graph(spec);
        BOOST_FAIL("no error");
    } catch (const SourceError& e) {
        BOOST_TEST(e.message() == "output 'x3_0' is not defined by any statement");
    }
    spec.outputs = {{"x2_0", {}}, {"x2_0", {}}};
    try {
        build_graph(spec);
        BOOST_FAIL("no error");
    } catch (const SourceError& e) {
        BOOST_TEST(e.message() == "output 'x2_0' is listed twice");
    }
}

BOOST_AUTO_TEST_CASE(layered_statements_write_one_weighted_sum_per_node)
{
    const auto lines = layered_statements({2, 1});
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0] == "x1_0=w1_0_0*x0_0+w1_0_1*x0_1");
    BOOST_TEST(layered_model({2, 3, 1}).text.statements.empty());
}

BOOST_AUTO_TEST_SUITE_END()
