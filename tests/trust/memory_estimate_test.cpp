// The memory estimate: parameters counted from layer sizes, the data set's bytes, and the memory
// available read from the system.
#include <cgp/io/error.hpp>
#include <cgp/training/memory_estimate.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

using namespace cgp;

BOOST_AUTO_TEST_SUITE(memory_estimate)

BOOST_AUTO_TEST_CASE(layers_count_weights_and_biases_exactly)
{
    // 4 inputs -> 3 -> 1: (4+1)*3 + (3+1)*1 = 19 parameters.
    const MemoryEstimate e = estimate_layers_memory({4, 3, 1});
    BOOST_TEST(e.parameters == 19u);
    BOOST_TEST(e.model_bytes == 19u * kBytesPerDenseParameter);
    BOOST_TEST(!e.bounded);
    // The case that used to exhaust memory: 4096 wide, computed without overflow.
    BOOST_TEST(estimate_layers_memory({4096, 4096, 4096, 1}).parameters == 2u * 4097u * 4096u + 4097u);
}

BOOST_AUTO_TEST_CASE(generated_data_costs_eight_bytes_per_value_and_sample)
{
    ModelSpec spec = layered_model({4, 3, 1});
    DataChoice data;
    data.dataset_size = 1000;
    const MemoryEstimate e = estimate_run_memory(spec, data);
    BOOST_TEST(e.data_bytes == 1000u * 5u * 8u);
    BOOST_TEST(e.model_bytes == 19u * kBytesPerDenseParameter); // built as dense layers
    BOOST_TEST(e.total() == e.model_bytes + e.data_bytes);
}

BOOST_AUTO_TEST_CASE(a_model_of_expressions_is_bounded_by_its_text)
{
    const ModelSpec spec = parse_model_text("m.cgp", "xo = ab*xa + bc*xb + cd\n");
    const MemoryEstimate e = estimate_run_memory(spec, DataChoice{});
    BOOST_TEST(e.bounded);
    BOOST_TEST(e.parameters >= 3u); // ab, bc, cd
}

BOOST_AUTO_TEST_CASE(available_memory_is_at_most_the_machines)
{
    const auto available = available_memory();
    BOOST_REQUIRE(available.has_value());
    std::ifstream meminfo("/proc/meminfo");
    std::string key, unit;
    std::uint64_t total_kib = 0;
    meminfo >> key >> total_kib >> unit;
    BOOST_TEST(key == "MemTotal:");
    BOOST_TEST(*available > 0u);
    BOOST_TEST(*available <= total_kib * 1024);
}

BOOST_AUTO_TEST_CASE(a_run_one_parameter_beyond_the_memory_available_is_refused)
{
    // The boundary against a fixed amount: what the system reports moves between two readings.
    const std::uint64_t available = 1000 * kBytesPerParameter;
    MemoryEstimate fits;
    fits.parameters = 1000;
    fits.model_bytes = fits.parameters * kBytesPerParameter;
    check_run_memory(fits, available);
    MemoryEstimate over = fits;
    over.data_bytes = 1;
    try {
        check_run_memory(over, available);
        BOOST_FAIL("a run larger than the memory available was accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        BOOST_TEST(m.find("this run needs about") != std::string::npos);
        BOOST_TEST(m.find("hint: a smaller model") != std::string::npos);
    }
    check_run_memory(over, std::nullopt); // unknown: accepted
}

BOOST_AUTO_TEST_CASE(state_arrays_beyond_the_memory_available_are_refused_naming_the_optimizer_before_allocation)
{
    const std::uint64_t available = std::uint64_t{1} << 30;
    check_state_memory("lbfgs", 204, available / 204 / 8, 8, available); // exactly fits
    try {
        check_state_memory("lbfgs", 204, 1'000'000, 8, available); // 1.5 GiB
        BOOST_FAIL("state arrays larger than the memory available were accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        BOOST_TEST(m.find("optimizer 'lbfgs' needs 204 state arrays of 1000000 parameters in f64: 1.5 GiB, more "
                          "than the 1.0 GiB available") != std::string::npos);
        BOOST_TEST(m.find("hint: hyperparameters that need fewer state arrays (lbfgs: --history-size)") !=
                   std::string::npos);
        BOOST_TEST(m.find("--dtype f32") != std::string::npos);
    }
    check_state_memory("lbfgs", 204, 1'000'000, 8, std::nullopt);             // unknown: accepted
    check_state_memory("lbfgs", 256, ~std::uint64_t{0} / 2, 8, std::nullopt); // no overflow
    BOOST_CHECK_THROW(check_state_memory("lbfgs", 256, ~std::uint64_t{0} / 2, 8, available), Error);
}

BOOST_AUTO_TEST_CASE(the_system_check_refuses_twice_the_machines_memory)
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key, unit;
    std::uint64_t total_kib = 0;
    meminfo >> key >> total_kib >> unit;
    BOOST_REQUIRE(key == "MemTotal:");
    MemoryEstimate huge;
    huge.parameters = 2 * total_kib * 1024 / kBytesPerParameter;
    huge.model_bytes = huge.parameters * kBytesPerParameter;
    BOOST_CHECK_THROW(check_run_memory(huge), Error);
    check_run_memory(estimate_layers_memory({4, 3, 1}));
}

BOOST_AUTO_TEST_SUITE_END()
