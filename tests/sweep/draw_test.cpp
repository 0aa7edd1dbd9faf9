// Model pictures: edge labels from the statements, layers and outputs in the DOT text.
#include <cgp/report/draw.hpp>
#include <cgp/io/error.hpp>
#include <cgp/language/model.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace cgp;

namespace {

std::string label_of(const std::vector<GraphEdge>& edges, const std::string& from, const std::string& to)
{
    for (const GraphEdge& e : edges)
        if (e.from == from && e.to == to)
            return e.label;
    return "(no edge)";
}

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(drawing)

BOOST_AUTO_TEST_CASE(one_neuron_edges_are_labelled_with_their_weights)
{
    const auto edges = graph_edges(build_graph(preset_model("one-neuron")));
    BOOST_TEST(edges.size() == 4u);
    BOOST_TEST(label_of(edges, "xa", "xw") == "ab");
    BOOST_TEST(label_of(edges, "xb", "xw") == "bc");
    BOOST_TEST(label_of(edges, "xc", "xw") == "cd");
    BOOST_TEST(label_of(edges, "xd", "xw") == "ac");
}

BOOST_AUTO_TEST_CASE(multi_neuron_picture_has_its_layers_edges_and_output)
{
    const Graph g = build_graph(preset_model("multi-neuron"));
    const auto edges = graph_edges(g);
    BOOST_TEST(edges.size() == 10u);
    BOOST_TEST(label_of(edges, "xw", "xo") == "cp");
    BOOST_TEST(label_of(edges, "xz", "xo") == "cq");
    const std::string dot = graph_to_dot(g);
    BOOST_TEST(has(dot, "digraph model {"));
    BOOST_TEST(has(dot, "rankdir=LR"));
    BOOST_TEST(has(dot, "{ rank=same; // layer 1\n    \"xw\" \"xz\" }"));
    BOOST_TEST(has(dot, "\"xo\" [label=\"xo\\n+ bias\\nsigmoid\", shape=doublecircle"));
    BOOST_TEST(has(dot, "\"xp\" -> \"xw\" [label=\"ap\"]"));
    BOOST_TEST(has(dot, "sigmoid on every node, a bias per node, 13 parameters"));
}

BOOST_AUTO_TEST_CASE(layered_models_are_drawn_layer_by_layer)
{
    const std::string dot = graph_to_dot(build_graph(layered_model({3, 2, 1})));
    BOOST_TEST(has(dot, "// layer 0\n    \"x0_0\" \"x0_1\" \"x0_2\" }"));
    BOOST_TEST(has(dot, "\"x1_1\" -> \"x2_0\" [label=\"w2_0_1\"]"));
}

BOOST_AUTO_TEST_CASE(terms_that_are_not_coefficient_times_variable_label_edges_with_their_text)
{
    const Graph g =
        build_graph(expr_model({"xw = ab*xa + bc*cd*xb + 3 - de*xa", "xo = sigmoid(ef*xw)*xa + xw*xb + (gh+ij)*xw"}));
    const auto edges = graph_edges(g);
    BOOST_TEST(label_of(edges, "xa", "xw") == "ab, -de");
    BOOST_TEST(label_of(edges, "xb", "xw") == "bc*cd");
    BOOST_TEST(label_of(edges, "xw", "xo") == "sigmoid(ef*xw)*xa, xw*xb, gh + ij");
    BOOST_TEST(label_of(edges, "xb", "xo") == "xw*xb");
    BOOST_TEST(has(graph_to_dot(g), "\"xw\" [label=\"xw\\n+ 3\"]"));
}

BOOST_AUTO_TEST_CASE(long_terms_are_labelled_with_their_parameters)
{
    const auto edges = graph_edges(build_graph(expr_model({"xo = tanh(alpha*xa + beta*xb + gamma)*delta"})));
    BOOST_TEST(label_of(edges, "xa", "xo") == "alpha,beta,gamma,delta");
}

BOOST_AUTO_TEST_CASE(operators_are_written_with_their_precedence_and_grouping)
{
    const auto edges =
        graph_edges(build_graph(expr_model({"xo = -(ab - (bc - cd))*xa + (ef^gh)^ij*xb + xc^3/kl + softplus(mn)*xa"})));
    BOOST_TEST(label_of(edges, "xa", "xo") == "-(ab - (bc - cd)), softplus(mn)");
    BOOST_TEST(label_of(edges, "xb", "xo") == "(ef^gh)^ij");
    BOOST_TEST(label_of(edges, "xc", "xo") == "xc^3/kl");
}

BOOST_AUTO_TEST_CASE(each_node_shows_the_bias_and_activation_the_graph_records_for_it)
{
    ModelSpec spec = layered_model({2, 1}, parse_activation("softplus"));
    const Graph g = build_graph(spec);
    BOOST_TEST(label_of(graph_edges(g), "x0_1", "x1_0") == "w1_0_1");
    const std::string dot = graph_to_dot(g);
    BOOST_TEST(has(dot, "\"x1_0\" [label=\"x1_0\\n+ bias\\nsoftplus\""));
    BOOST_TEST(has(dot, "softplus on every node, a bias per node, 3 parameters"));
}

BOOST_AUTO_TEST_CASE(picture_of_an_unknown_type_is_refused)
{
    BOOST_CHECK_THROW(graph_picture_files("model.jpg"), Error);
    BOOST_TEST(graph_picture_files("model.svg").size() == 2u);
    BOOST_TEST(graph_picture_files("model.dot").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
