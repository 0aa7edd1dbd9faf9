// Generated layered models: the graph built straight from the layer sizes is the graph of the same
// statements written out and parsed, node for node, name for name, in every parameter order.
#include <cgp/graph/graph.hpp>
#include <cgp/io/error.hpp>
#include <cgp/language/layered.hpp>

#include <boost/test/unit_test.hpp>

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

void check_same(const ModelSpec& spec, ParamOrder order)
{
    const Graph direct = build_graph(spec, order);
    const Graph reference = build_graph(parsed(spec), order);
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
