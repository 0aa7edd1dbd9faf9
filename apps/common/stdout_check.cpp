// finish_stdout: standard output checked at the end of each program's main.
#include "stdout_check.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace cgp::cli {

namespace {

// The errors a write to standard output reports. A write that failed before (stdio keeps only the
// error flag) left its reason in errno, unless a later call replaced it with an unrelated one.
bool is_write_error(int err)
{
    return err == ENOSPC || err == EPIPE || err == EIO || err == EDQUOT || err == EFBIG || err == EBADF;
}

} // namespace

int finish_stdout(const char* program, int status)
{
    const int earlier = errno;
    errno = 0;
    std::cout.flush();
    const int stream_error = errno;
    const bool stream_ok = !std::cout.fail();
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int flush_error = errno;
    const bool clean = std::ferror(stdout) == 0;
    int retry_error = 0;
    if (!clean) {
        // stdio keeps the bytes a failed write could not pass on: trying once more gives the reason.
        std::clearerr(stdout);
        errno = 0;
        if (std::fflush(stdout) != 0)
            retry_error = errno;
    }
    const bool closed = std::fclose(stdout) == 0;
    const int close_error = errno;
    if (stream_ok && flushed && clean && closed)
        return status;
    const int err = !flushed                       ? flush_error
                    : retry_error != 0             ? retry_error
                    : is_write_error(stream_error) ? stream_error
                    : !closed                      ? close_error
                    : is_write_error(earlier)      ? earlier
                                                   : 0;
    std::fprintf(stderr, "%s: cannot write standard output: %s\n", program,
                 err != 0 ? std::strerror(err) : "a write failed");
    return status != 0 ? status : 1;
}

} // namespace cgp::cli
