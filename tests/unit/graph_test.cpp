// Building graphs: inputs, parameter order, outputs, presets, layers, and every semantic error.
#include <cgp/io/error.hpp>
#include <cgp/graph/graph.hpp>

#include "test_models.hpp"

#include <boost/test/unit_test.hpp>

using namespace cgp;
using cgp::test::graph_of;

namespace {

SourceError graph_error(const ModelSpec& spec)
{
    try {
        build_graph(spec);
    } catch (const SourceError& e) {
        return e;
    }
    BOOST_FAIL("no error");
    throw;
}

SourceError statements_error(const std::vector<std::string>& statements)
{
    return graph_error(expr_model(statements));
}

} // namespace

BOOST_AUTO_TEST_SUITE(graph)

BOOST_AUTO_TEST_CASE(inputs_parameters_and_outputs_follow_first_appearance)
{
    const Graph g = graph_of({"xw=ab*xa+bc*xb+cd*xc+ac*xd"});
    BOOST_TEST((g.inputs == std::vector<std::string>{"xa", "xb", "xc", "xd"}));
    BOOST_TEST((g.params == std::vector<std::string>{"ab", "bc", "cd", "ac"}));
    BOOST_TEST((g.outputs == std::vector<std::string>{"xw"}));
}

BOOST_AUTO_TEST_CASE(cgp_dag_example_has_one_input_and_one_output)
{
    const Graph g = graph_of({"xx=xa^2", "xy=ab*xx+ac*xa", "xz=bc*xx+xy", "xw=cd*xx+xz^3"});
    BOOST_TEST((g.inputs == std::vector<std::string>{"xa"}));
    BOOST_TEST((g.params == std::vector<std::string>{"ab", "ac", "bc", "cd"}));
    BOOST_TEST((g.outputs == std::vector<std::string>{"xw"}));
}

BOOST_AUTO_TEST_CASE(statements_may_come_in_any_order)
{
    const Graph g = graph_of({"xo=cp*xw+cq*xz", "xw=ap*xp", "xz=bq*xq"});
    BOOST_TEST((g.inputs == std::vector<std::string>{"xp", "xq"}));
    BOOST_TEST((g.outputs == std::vector<std::string>{"xo"}));
    // Operands precede their users.
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        BOOST_TEST(g.nodes[i].a < static_cast<int>(i));
        BOOST_TEST(g.nodes[i].b < static_cast<int>(i));
    }
}

BOOST_AUTO_TEST_CASE(presets_reproduce_cgp_examples_with_biases_after_weights_per_layer)
{
    const Graph one = build_graph(preset_model("one-neuron"));
    BOOST_TEST((one.params == std::vector<std::string>{"ab", "bc", "cd", "ac", "xw.bias"}));
    // multi-neuron is layered (4 2 1): PyTorch's order, each layer's weights then its biases.
    const Graph multi = build_graph(preset_model("multi-neuron"));
    BOOST_TEST((multi.params == std::vector<std::string>{"ap", "aq", "ar", "as", "bp", "bq", "br", "bs", "xw.bias",
                                                         "xz.bias", "cp", "cq", "xo.bias"}));
    BOOST_TEST((multi.outputs == std::vector<std::string>{"xo"}));
    BOOST_CHECK_THROW(preset_model("two-neuron"), Error);
}

BOOST_AUTO_TEST_CASE(generated_layered_model_has_the_declared_shape)
{
    const Graph g = build_graph(layered_model({3, 4, 2}));
    BOOST_TEST(g.inputs.size() == 3u);
    BOOST_TEST(g.outputs.size() == 2u);
    BOOST_TEST(g.params.size() == 3u * 4u + 4u * 2u + 4u + 2u);
    BOOST_TEST(g.params.front() == "w1_0_0");
    BOOST_CHECK_THROW(layered_model({3}), Error);
    BOOST_CHECK_THROW(layered_model({3, 0, 1}), Error);
}

BOOST_AUTO_TEST_CASE(empty_model_is_refused)
{
    BOOST_TEST(statements_error({}).message() == "the model has no statements");
}

BOOST_AUTO_TEST_CASE(variable_defined_twice_names_both_places)
{
    const SourceError e = statements_error({"xw=ab*xa", "xz=xw", "xw=bc*xb"});
    BOOST_TEST(e.message() == "variable 'xw' is defined twice (first at 1:1)");
    BOOST_TEST(e.pos().line == 3);
    BOOST_TEST(e.pos().column == 1);
}

BOOST_AUTO_TEST_CASE(cycle_names_the_variables_in_it)
{
    const SourceError e = statements_error({"xa=ab*xc", "xb=bc*xa", "xc=cd*xb + xd"});
    // xa uses xc, which uses xb, which uses xa: reported at the use that closes the cycle.
    BOOST_TEST(e.message() == "cycle: xa -> xc -> xb -> xa");
    BOOST_TEST(e.pos().line == 2);
    BOOST_TEST(e.pos().column == 7);
    BOOST_TEST(statements_error({"xa = xa + ab"}).message() == "cycle: xa -> xa");
}

BOOST_AUTO_TEST_CASE(name_used_as_variable_and_parameter_is_refused)
{
    const SourceError e = statements_error({"xw=ab*xa", "ab=bc*xb"});
    BOOST_TEST(e.message() == "'ab' is used both as a variable (assigned here) and as a parameter (at 1:4)");
    BOOST_TEST(e.pos().line == 2);
    BOOST_TEST(statements_error({"cd=bc*xb"}).message() == "cannot assign to 'cd': it is a parameter name");
}

BOOST_AUTO_TEST_CASE(undefined_output_is_refused_with_the_defined_variables)
{
    ModelSpec spec = expr_model({"xw=ab*xa"});
    spec.outputs.push_back({"xq", {1, 8}});
    const SourceError e = graph_error(spec);
    BOOST_TEST(e.message() == "output 'xq' is not defined by any statement");
    BOOST_TEST(std::string(e.what()).find("defined variables: xw") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cgp_layer_rules_are_checked)
{
    const SourceError count = graph_error(parse_model_text("m", "layers 2 2 1\nxw=a*xa+b*xb\nxo=c*xw\n"));
    BOOST_TEST(count.message() == "layers 2 2 1 need 3 statements (one per node after the input layer), found 2");
    const SourceError skip = graph_error(parse_model_text("m", "layers 2 1 1\nxw=a*xa+b*xb\nxo=c*xw+d*xa\n"));
    BOOST_TEST(skip.message().rfind("'xa' is not in layer 1", 0) == 0);
    BOOST_TEST(skip.pos().line == 3);
    BOOST_TEST(skip.pos().column == 11);
}

BOOST_AUTO_TEST_CASE(long_chains_and_wide_sums_build_without_exhausting_the_stack)
{
    std::vector<std::string> chain{"x0 = ab*xin"};
    for (int i = 1; i < 100000; ++i)
        chain.push_back("x" + std::to_string(i) + " = x" + std::to_string(i - 1) + " + ab");
    const Graph g = graph_of(chain);
    BOOST_TEST(g.outputs.front() == "x99999");
    std::string sum = "xo = xa";
    for (int i = 0; i < 4000; ++i)
        sum += " + w" + std::to_string(i) + "*xa";
    BOOST_TEST(graph_of({sum}).params.size() == 4000u);
}

BOOST_AUTO_TEST_CASE(only_small_whole_exponents_become_repeated_multiplication)
{
    auto op_of_output = [](const std::string& statement) { return graph_of({statement}).nodes.back().op; };
    BOOST_TEST((op_of_output("xo = xa^3") == Op::PowInt));
    BOOST_TEST((op_of_output("xo = xa^-64") == Op::PowInt));
    BOOST_TEST((op_of_output("xo = xa^65") == Op::Pow));
    BOOST_TEST((op_of_output("xo = xa^-1e300") == Op::Pow));
    BOOST_TEST((op_of_output("xo = xa^2.5") == Op::Pow));
}

BOOST_AUTO_TEST_CASE(huge_layer_sizes_are_refused_without_overflow)
{
    // Found by fuzzing: layer sizes whose sum exceeds an int.
    const SourceError e = graph_error(parse_model_text("m", "layers 2 2000000000 2000000000\nxo = a*xa + b*xb\n"));
    BOOST_TEST(e.message() == "layers 2 2000000000 2000000000 need 4000000000 statements (one per node after the "
                              "input layer), found 1");
}

BOOST_AUTO_TEST_CASE(fingerprints_of_existing_models_stay_what_older_builds_wrote_into_checkpoints)
{
    // Values written by cgp-run --checkpoint before the table of operations: a checkpoint records
    // its model's fingerprint and refuses to load into another model, so these may never change.
    // Layered models with biases were written with every bias last (formats 1-3): that order still
    // gives the old value, so those checkpoints are recognised and reordered (experiment_resume.cpp).
    BOOST_TEST(build_graph(preset_model("one-neuron")).fingerprint() == 0x2f0c5b98416643deull);
    BOOST_TEST(build_graph(preset_model("multi-neuron"), ParamOrder::BiasesLast).fingerprint() ==
               0x19025d4b408a6854ull);
    ModelSpec layers = layered_model({4, 2, 1}, Activation::Tanh);
    layers.node_bias = true;
    BOOST_TEST(build_graph(layers, ParamOrder::BiasesLast).fingerprint() == 0x43e417819e983d88ull);
    // Today's per-layer order (checkpoint format 4 on).
    BOOST_TEST(build_graph(preset_model("multi-neuron")).fingerprint() == 0x5c7b9be2e35d9b00ull);
    BOOST_TEST(build_graph(layers).fingerprint() == 0x851487462e4bfe18ull);
    BOOST_TEST(build_graph(preset_model("one-neuron"), ParamOrder::BiasesLast).fingerprint() == 0x2f0c5b98416643deull);
    // Every function and operator of the language.
    BOOST_TEST(graph_of({"xo = sigmoid(ab*xa) + relu(xb) - tanh(xa)/exp(xb)^2 + log(ab)*sqrt(bc) + abs(xa)^bc + -xa"})
                   .fingerprint() == 0xa54e962e425600c7ull);
}

BOOST_AUTO_TEST_CASE(fingerprint_changes_with_structure_only)
{
    BOOST_TEST(graph_of({"xw=ab*xa"}).fingerprint() == graph_of({"xw = ab * xa"}).fingerprint());
    BOOST_TEST(graph_of({"xw=ab*xa"}).fingerprint() != graph_of({"xw=ab+xa"}).fingerprint());
    BOOST_TEST(graph_of({"xw=ab*xa"}).fingerprint() != graph_of({"xw=ac*xa"}).fingerprint());
}

BOOST_AUTO_TEST_SUITE_END()
