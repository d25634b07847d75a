// Unit tests for src/aws/credential_process.hpp: the JSON a credential_process
// helper prints, and running real (tiny) /bin/sh helpers.
#include "aws/credential_process.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/aws_settings.hpp"
#include "credential_test_support.hpp"

namespace {

using aws::CredentialsError;
using awstest::ScratchDir;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const char* kGoodJson =
    R"({"Version": 1, "AccessKeyId": "AKIAPROC00000001", "SecretAccessKey": "PROCSECRET0001", )"
    R"("SessionToken": "PROCTOKEN0001", "Expiration": "2099-01-01T00:00:00Z"})";

// ------------------------------------------------------------------ parsing

TEST(ParseCredentialProcessOutput, AllFields) {
    const auto out = aws::parse_credential_process_output(kGoodJson);
    EXPECT_EQ(out.credentials.access_key_id, "AKIAPROC00000001");
    EXPECT_EQ(out.credentials.secret_access_key, "PROCSECRET0001");
    EXPECT_EQ(out.credentials.session_token, "PROCTOKEN0001");
    ASSERT_TRUE(out.expiration.has_value());
    EXPECT_EQ(aws::format_timestamp(*out.expiration), "2099-01-01T00:00:00Z");
}

TEST(ParseCredentialProcessOutput, OptionalFieldsMayBeAbsentOrNull) {
    for (const char* json :
         {R"({"Version": 1, "AccessKeyId": "AKIAPROC00000002", "SecretAccessKey": "S0002"})",
          R"({"Version": 1, "AccessKeyId": "AKIAPROC00000002", "SecretAccessKey": "S0002", )"
          R"("SessionToken": null, "Expiration": null, "Extra": [1]})"}) {
        SCOPED_TRACE(json);
        const auto out = aws::parse_credential_process_output(json);
        EXPECT_EQ(out.credentials.access_key_id, "AKIAPROC00000002");
        EXPECT_EQ(out.credentials.session_token, "");
        EXPECT_FALSE(out.expiration.has_value());
    }
}

TEST(ParseCredentialProcessOutput, Errors) {
    struct Case {
        const char* name;
        std::string json;
        std::string mentions;
    };
    const std::string keys = R"("AccessKeyId": "AKIAPROC00000003", "SecretAccessKey": "S0003")";
    const std::vector<Case> cases = {
        {"not_json", "AKIA... hello", "JSON object"},
        {"empty", "", "JSON object"},
        {"array", "[]", "JSON object"},
        {"string", R"("x")", "JSON object"},
        {"no_version", "{" + keys + "}", "Version"},
        {"version_2", R"({"Version": 2, )" + keys + "}", "Version"},
        {"version_string", R"({"Version": "1", )" + keys + "}", "Version"},
        {"version_null", R"({"Version": null, )" + keys + "}", "Version"},
        {"no_access_key", R"({"Version": 1, "SecretAccessKey": "S"})", "AccessKeyId"},
        {"null_access_key", R"({"Version": 1, "AccessKeyId": null, "SecretAccessKey": "S"})",
         "AccessKeyId"},
        {"no_secret", R"({"Version": 1, "AccessKeyId": "AKIAPROC00000003"})", "SecretAccessKey"},
        {"numeric_secret", R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": 12})",
         "SecretAccessKey"},
        {"numeric_token", R"({"Version": 1, )" + keys + R"(, "SessionToken": 5})", "SessionToken"},
        {"bad_expiration", R"({"Version": 1, )" + keys + R"(, "Expiration": "next week"})",
         "Expiration"},
        {"expiration_without_zone",
         R"({"Version": 1, )" + keys + R"(, "Expiration": "2026-11-20T14:03:00"})", "Expiration"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        try {
            (void)aws::parse_credential_process_output(c.json);
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "credential_process")) << error.message;
            EXPECT_TRUE(contains(error.message, c.mentions)) << error.message;
        }
    }
}

// ------------------------------------------------------------------ running

TEST(RunCredentialProcess, GoodJson) {
    ScratchDir dir;
    const auto script = dir.script("good.sh", std::string("cat <<'EOF'\n") + kGoodJson + "\nEOF\n");
    const auto out = aws::run_credential_process(script);
    EXPECT_EQ(out.credentials.access_key_id, "AKIAPROC00000001");
    EXPECT_EQ(out.credentials.secret_access_key, "PROCSECRET0001");
    EXPECT_EQ(out.credentials.session_token, "PROCTOKEN0001");
    EXPECT_TRUE(out.expiration.has_value());
}

TEST(RunCredentialProcess, RunsThroughTheShellWithArguments) {
    ScratchDir dir;
    const auto script = dir.script(
        "args.sh",
        R"(printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}' "$1" "$2")"
        "\n");
    const auto out = aws::run_credential_process(script + " AKIAFROMARG00001 'secret with space'");
    EXPECT_EQ(out.credentials.access_key_id, "AKIAFROMARG00001");
    EXPECT_EQ(out.credentials.secret_access_key, "secret with space");
}

TEST(RunCredentialProcess, StandardInputIsEmpty) {
    // A helper that reads its input must see end-of-file, not hang on ours.
    ScratchDir dir;
    const auto script = dir.script(
        "stdin.sh",
        "input=$(cat)\n"
        R"(printf '{"Version": 1, "AccessKeyId": "AKIASTDIN0000001", "SecretAccessKey": "S%s"}' "$input")"
        "\n");
    EXPECT_EQ(aws::run_credential_process(script).credentials.secret_access_key, "S");
}

TEST(RunCredentialProcess, NonZeroExitNamesTheStatus) {
    ScratchDir dir;
    const auto script = dir.script("exit3.sh", std::string("echo '") + kGoodJson + "'\nexit 3\n");
    try {
        (void)aws::run_credential_process(script);
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "exit status 3")) << error.message;
        EXPECT_TRUE(contains(error.message, script)) << error.message;
        // What it printed is not repeated.
        EXPECT_FALSE(contains(error.message, "PROCSECRET0001")) << error.message;
    }
}

TEST(RunCredentialProcess, MissingCommandIsAnError) {
    ScratchDir dir;
    try {
        (void)aws::run_credential_process(dir.path() + "/no-such-helper");
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "exit status 127")) << error.message;
    }
}

TEST(RunCredentialProcess, KilledBySignal) {
    // The shell running the command kills itself.
    try {
        (void)aws::run_credential_process("kill -9 $$");
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "killed by signal 9")) << error.message;
    }
}

TEST(RunCredentialProcess, GarbageOutput) {
    ScratchDir dir;
    const auto script = dir.script("garbage.sh", "echo 'AKIAGARBAGE00001 not json at all'\n");
    try {
        (void)aws::run_credential_process(script);
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "JSON")) << error.message;
        EXPECT_FALSE(contains(error.message, "not json at all")) << error.message;
    }
}

TEST(RunCredentialProcess, StandardErrorNeverReachesTheMessage) {
    ScratchDir dir;
    const std::string secret = "wJalrXUtnFEMI-STDERR-SECRET-0001";
    const std::vector<std::pair<const char*, std::string>> scripts = {
        {"failing", "echo 'token " + secret + " rejected' >&2\nexit 1\n"},
        {"garbage", "echo 'debug: using " + secret + "' >&2\necho nope\n"},
        {"succeeding", "echo '" + secret + "' >&2\necho '" + kGoodJson + "'\n"},
    };
    for (const auto& [name, body] : scripts) {
        SCOPED_TRACE(name);
        const auto script = dir.script(std::string(name) + ".sh", body);
        try {
            const auto out = aws::run_credential_process(script);
            EXPECT_EQ(out.credentials.access_key_id, "AKIAPROC00000001");  // stdout only
        } catch (const CredentialsError& error) {
            EXPECT_FALSE(contains(error.message, secret)) << error.message;
            EXPECT_FALSE(contains(error.message, "STDERR-SECRET")) << error.message;
        }
    }
}

TEST(RunCredentialProcess, FailureInProfileSurfacesFromTheChain) {
    ScratchDir dir;
    const auto script = dir.script("fail.sh", "exit 7\n");
    dir.config("[profile proc]\ncredential_process = " + script + "\n");
    const awstest::FakeTransports transports;
    try {
        (void)aws::resolve_settings({"proc", ""}, awstest::fake_env(dir.env()),
                                    transports.factory());
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "exit status 7")) << error.message;
    }
}

}  // namespace
