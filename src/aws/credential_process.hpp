// credential_process: an external command prints credentials as JSON.
// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
#pragma once

#include <string>

#include "aws/credentials_provider.hpp"

namespace aws {

// Runs command with /bin/sh -c and parses its standard output. Throws
// CredentialsError when it fails to start, exits non-zero, or prints
// anything but {"Version": 1, "AccessKeyId", "SecretAccessKey", ...}.
TimedCredentials run_credential_process(const std::string& command);

// Parses the process's output; exposed for tests.
TimedCredentials parse_credential_process_output(const std::string& json);

}  // namespace aws
