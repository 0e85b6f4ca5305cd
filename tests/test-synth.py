#!/usr/bin/python3
"""thumbing synth: the CloudFormation template of every shipped AWS pipeline
checked against AWS's resource specification (tests/cfn_spec.py, and
cfn-lint when the machine has it), the derived IAM policy evaluated by an IAM
policy simulator (npm @cloud-copilot/iam-simulate) on the requests the
pipeline makes and on requests it never makes, the function's environment
run back through `thumbing check`, and the pipelines synth must refuse."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfn_spec  # noqa: E402
import thumbing_tap  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
SOURCE_ROOT = os.environ["THUMBING_SOURCE_ROOT"]
PIPELINES = os.path.join(SOURCE_ROOT, "data", "pipelines")
SERVERS = os.path.join(SOURCE_ROOT, "tests", "servers")
NODE = os.environ.get("THUMBING_TEST_NODE", "node")
ACCOUNT = "123456789012"
REGION = "eu-west-1"
SECRET = "a-webhook-secret-of-32-characters"

SEED_ENV = {
    "THUMBING_BUCKET_NAME": "avatars-uploads",
    "THUMBING_TOPIC_NAME": "thumbnails-done",
    "THUMBING_WEBHOOK_URL": "https://hooks.example.com/thumbnail",
    "THUMBING_WEBHOOK_SECRET": SECRET,
    "AWS_REGION": REGION,
}


def clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THUMBING_", "AWS_"))}
    env.update(THUMBING_PLUGIN_PATH=os.environ["THUMBING_PLUGIN_PATH"], **extra)
    return env


def synth(conf, env, *options, check=True):
    result = subprocess.run([TOOL, "synth", *options, conf], env=clean_env(env), capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if "--format=yaml" not in options else yaml.safe_load(result.stdout)
    return result


def write_conf(work, text, name="pipeline.conf"):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def assert_valid(template, label):
    problems = cfn_spec.problems(template)
    assert not problems, f"{label}:\n" + "\n".join(problems)
    lint = shutil.which("cfn-lint")
    if lint:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(template, f)
            f.flush()
            result = subprocess.run([lint, f.name], capture_output=True, text=True)
        assert result.returncode == 0, f"{label}: cfn-lint:\n{result.stdout}{result.stderr}"


# A daemon pipeline with everything synth deploys: two buckets, the CDN in
# front of the outputs, the upload API's bucket CORS rule, a topic by ARN.
FULL_DAEMON = """
[pipeline]
name=full
stages=uploads;fetch;thumbnail;png;store;announce
services=api;cdn

[uploads]
element=sqs-source
queue-url=${THUMBING_QUEUE_URL}
bucket=${THUMBING_BUCKET_NAME}
prefix=${THUMBING_S3_FOLDER_INPUT:-uploads/}
suffix=.jpg

[fetch]
element=s3-get

[thumbnail]
element=resize
width=512
height=512

[png]
element=png-encode

[store]
element=s3-put
bucket=${THUMBING_OUTPUT_BUCKET_NAME}
prefix=${THUMBING_S3_FOLDER_OUTPUT:-avatars/}

[announce]
element=sns-publish
topic-arn=${THUMBING_TOPIC_ARN}

[api]
element=upload-api
bucket=${THUMBING_BUCKET_NAME}
prefix=${THUMBING_S3_FOLDER_INPUT:-uploads/}
issuer=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool
client-id=client
jwks-url=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool/.well-known/jwks.json
origins=${THUMBING_FRONTEND_URL}

[cdn]
element=output-server
bucket=${THUMBING_OUTPUT_BUCKET_NAME}
prefix=${THUMBING_S3_FOLDER_OUTPUT:-avatars/}
"""

FULL_LAMBDA = FULL_DAEMON.replace("element=sqs-source", "element=lambda-source").replace(
    "queue-url=${THUMBING_QUEUE_URL}\n", "")

FULL_ENV = {
    "THUMBING_BUCKET_NAME": "in-bucket",
    "THUMBING_OUTPUT_BUCKET_NAME": "out-bucket",
    "THUMBING_TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:existing",
    "THUMBING_FRONTEND_URL": "https://app.example.com",
    "AWS_REGION": REGION,
}


def test_templates_match_the_specification():
    work = tempfile.mkdtemp()
    try:
        cases = [
            ("thumbing.conf (daemon)", os.path.join(PIPELINES, "thumbing.conf"), SEED_ENV),
            ("lambda.conf", os.path.join(PIPELINES, "lambda.conf"), SEED_ENV),
            ("lambda.conf, no topic or webhook", os.path.join(PIPELINES, "lambda.conf"),
             {"THUMBING_BUCKET_NAME": "thumbs-b"}),
            ("a daemon with two buckets, CDN and upload API", write_conf(work, FULL_DAEMON), FULL_ENV),
            ("a function with the upload API behind API Gateway", write_conf(work, FULL_LAMBDA, "lambda.conf"),
             FULL_ENV),
        ]
        for label, conf, env in cases:
            template = synth(conf, env)
            assert_valid(template, label)
            # The YAML form is the same document.
            assert synth(conf, env, "--format=yaml") == template, label
        full = synth(cases[3][1], FULL_ENV)
        resources = full["Resources"]
        assert {"InputBucket", "OutputBucket", "OutputDistribution", "OutputOriginAccessControl",
                "OutputBucketPolicy", "Queue", "DeadLetterQueue", "WorkerPolicy"} <= set(resources), sorted(resources)
        assert "Topic" not in resources, "a topic given by ARN exists already"
        config = resources["OutputDistribution"]["Properties"]["DistributionConfig"]
        assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
        assert config["Origins"][0]["DomainName"] == {"Fn::GetAtt": ["OutputBucket", "RegionalDomainName"]}
        cors = resources["InputBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]
        assert cors["AllowedMethods"] == ["PUT"] and cors["AllowedOrigins"] == {
            "Fn::Split": [";", {"Ref": "FrontendUrl"}]}, cors
        rules = resources["InputBucket"]["Properties"]["NotificationConfiguration"]["QueueConfigurations"][0]
        assert rules["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": {"Ref": "S3FolderInput"}},
                                                     {"Name": "suffix", "Value": ".jpg"}], rules
        # The seed's API Gateway route, behind a Cognito JWT authorizer, to
        # the same function.
        api = synth(cases[4][1], FULL_ENV)["Resources"]
        authorizer = api["UploadAuthorizer"]["Properties"]
        assert authorizer["AuthorizerType"] == "JWT" and authorizer["JwtConfiguration"] == {
            "Issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool", "Audience": ["client"]}, authorizer
        route = api["UploadRoute"]["Properties"]
        assert route["RouteKey"] == "POST /avatar/get_upload" and route["AuthorizationType"] == "JWT", route
        assert api["UploadIntegration"]["Properties"]["IntegrationUri"] == {"Fn::GetAtt": ["Function", "Arn"]}
        assert api["UploadIntegration"]["Properties"]["PayloadFormatVersion"] == "2.0"
        assert api["UploadApiInvokes"]["Properties"]["Principal"] == "apigateway.amazonaws.com"
        for bucket in ("InputBucket", "OutputBucket"):
            properties = resources[bucket]["Properties"]
            assert all(properties["PublicAccessBlockConfiguration"].values()), bucket
            assert resources[bucket]["DeletionPolicy"] == {"Ref": "DataDeletionPolicy"}
        assert full["Parameters"]["DataDeletionPolicy"]["Default"] == "Retain"
    finally:
        shutil.rmtree(work)


def resolve(node, values):
    """The template's value with parameters at their defaults and resource
    attributes as AWS would give them."""
    if isinstance(node, list):
        return [resolve(n, values) for n in node]
    if isinstance(node, dict):
        if set(node) == {"Fn::Sub"}:
            return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], node["Fn::Sub"])
        if set(node) == {"Ref"}:
            return values[node["Ref"]]
        return {k: resolve(v, values) for k, v in node.items()}
    return node


def template_values(template):
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    values.update({
        "AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": "thumbs",
        "Topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:thumbnails-done",
        "Queue.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:thumbs-Queue",
        "DeadLetterQueue.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:thumbs-DeadLetterQueue",
        "FunctionLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/thumbs-thumbnails:*",
    })
    return values


def simulate(policy, requests):
    payload = json.dumps({"policy": policy, "requests": [
        {"action": action, "resource": resource, "context": context} for action, resource, context in requests]})
    result = subprocess.run([NODE, os.path.join(SERVERS, "iam-simulate.mjs")], input=payload,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_decisions(policy, allowed, denied, label):
    decisions = simulate(policy, allowed + denied)
    wrong = [f"{'allowed' if i < len(allowed) else 'denied'} expected: {r[0]} on {r[1]} → {d}"
             for i, (r, d) in enumerate(zip(allowed + denied, decisions))
             if (d == "Allowed") != (i < len(allowed))]
    assert not wrong, f"{label}:\n" + "\n".join(wrong) + "\n" + json.dumps(policy, indent=1)


def seed_requests(bucket, topic, queue):
    allowed = [
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/uploads/3f1c.jpg", {}),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/avatars/3f1c.jpg", {}),
        ("s3:AbortMultipartUpload", f"arn:aws:s3:::{bucket}/avatars/3f1c.jpg", {}),
        ("sns:Publish", topic, {}),
    ]
    denied = [
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/avatars/3f1c.jpg", {}),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/uploads/3f1c.jpg", {}),
        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/uploads/3f1c.jpg", {}),
        ("s3:GetObject", f"arn:aws:s3:::another-bucket/uploads/3f1c.jpg", {}),
        ("s3:PutObject", f"arn:aws:s3:::another-bucket/avatars/3f1c.jpg", {}),
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}", {}),
        ("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:another-topic", {}),
        ("sqs:ReceiveMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:another-queue", {}),
        ("sqs:SendMessage", queue, {}),
        ("sqs:PurgeQueue", queue, {}),
    ]
    return allowed, denied


def test_policy_allows_what_the_pipeline_does_and_nothing_else():
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:thumbnails"
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:thumbnails-done"
    env = dict(SEED_ENV, THUMBING_QUEUE_URL=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/thumbnails")
    policy = synth(os.path.join(PIPELINES, "thumbing.conf"), env, "--policy")
    allowed, denied = seed_requests("avatars-uploads", topic, queue)
    allowed += [(action, queue, {}) for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage",
                                                  "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")]
    check_decisions(policy, allowed, denied, "thumbing synth --policy thumbing.conf")

    # The function's role in the Lambda template, with its parameters at
    # their defaults: the same, plus its queue and its own log group.
    template = synth(os.path.join(PIPELINES, "lambda.conf"), SEED_ENV)
    values = template_values(template)
    role = template["Resources"]["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    policy = resolve(role, values)
    queue = values["Queue.Arn"]
    log_group = values["FunctionLogGroup.Arn"][:-2]
    allowed, denied = seed_requests("avatars-uploads", values["Topic"], queue)
    allowed += [(action, queue, {}) for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")]
    allowed += [("logs:PutLogEvents", f"{log_group}:log-stream:2026/11/29/abc", {})]
    denied += [("logs:PutLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/other:log-stream:x", {}),
               ("logs:CreateLogGroup", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/other", {})]
    check_decisions(policy, allowed, denied, "the function's role of lambda.conf")


def test_two_buckets_scope_each_element_to_its_own():
    work = tempfile.mkdtemp()
    try:
        conf = write_conf(work, FULL_DAEMON)
        env = dict(FULL_ENV, THUMBING_QUEUE_URL=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/q")
        policy = synth(conf, env, "--policy")
        check_decisions(policy, [
            ("s3:GetObject", "arn:aws:s3:::in-bucket/uploads/a.jpg", {}),
            ("s3:PutObject", "arn:aws:s3:::out-bucket/avatars/a.jpg", {}),
            ("s3:PutObject", "arn:aws:s3:::in-bucket/uploads/a.jpg", {}),     # the upload API presigns PUTs
            ("s3:GetObject", "arn:aws:s3:::out-bucket/avatars/a.jpg", {}),    # the output server reads
            ("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:existing", {}),
        ], [
            ("s3:GetObject", "arn:aws:s3:::in-bucket/uploads/a.png", {}),     # suffix=.jpg
            ("s3:PutObject", "arn:aws:s3:::in-bucket/avatars/a.jpg", {}),
            ("s3:PutObject", "arn:aws:s3:::out-bucket/uploads/a.jpg", {}),
            ("sns:ListTopics", "*", {}),                                      # given by ARN, never looked up
        ], "two buckets")
        # The CDN alone reads the outputs through the bucket policy.
        template = synth(conf, FULL_ENV)
        statement = template["Resources"]["OutputBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}, statement
        assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${OutputBucketName}/${S3FolderOutput}*"}
        assert "distribution/${OutputDistribution}" in json.dumps(statement["Condition"])
    finally:
        shutil.rmtree(work)


def test_the_function_runs_what_was_synthesised():
    template = synth(os.path.join(PIPELINES, "lambda.conf"), SEED_ENV)
    text = json.dumps(template)
    assert SECRET not in text, "the webhook secret is written into the template"
    secret = template["Parameters"]["WebhookSecret"]
    assert secret.get("NoEcho") is True and "Default" not in secret, secret
    assert template["Parameters"]["S3FolderInput"]["Default"] == "uploads/"
    variables = template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    assert variables["THUMBING_S3_FOLDER_INPUT"] == {"Ref": "S3FolderInput"}, variables
    assert variables["THUMBING_BUCKET_NAME"] == {"Ref": "BucketName"}, variables
    assert not any(name.startswith("AWS_") for name in variables), variables
    # The function's environment, resolved as CloudFormation would, checks.
    values = template_values(template)
    values["WebhookSecret"] = SECRET
    env = {name: resolve(value, values) for name, value in variables.items()}
    result = subprocess.run([TOOL, "check", "--verbose", os.path.join(PIPELINES, "lambda.conf")],
                            env=clean_env(dict(env, AWS_LAMBDA_RUNTIME_API="127.0.0.1:9001")),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "sns-publish" in result.stdout and "webhook" in result.stdout, result.stdout
    mapping = template["Resources"]["FunctionTrigger"]["Properties"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"], mapping


def test_refusals_name_the_file_group_and_key():
    work = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(work, "in"))
        local = synth(os.path.join(PIPELINES, "local.conf"),
                      {"THUMBING_INBOX": os.path.join(work, "in"), "THUMBING_OUTBOX": os.path.join(work, "out")},
                      check=False)
        assert local.returncode == 1 and "local.conf: [uploads] element: folder-source reads a local folder" \
            in local.stderr, local.stderr

        plain = synth(os.path.join(PIPELINES, "lambda.conf"),
                      dict(SEED_ENV, THUMBING_WEBHOOK_URL="http://hooks.example.com/x"), check=False)
        assert plain.returncode == 1 and "[notify] urls" in plain.stderr and "https" in plain.stderr, plain.stderr

        loop = synth(os.path.join(PIPELINES, "lambda.conf"),
                     dict(SEED_ENV, THUMBING_S3_FOLDER_OUTPUT="uploads/thumbs/"), check=False)
        assert loop.returncode == 1 and "[store]" in loop.stderr and "come back" in loop.stderr, loop.stderr


        no_bucket = synth(os.path.join(PIPELINES, "lambda.conf"),
                          {"THUMBING_BUCKET_NAME": "", "THUMBING_OUTPUT_BUCKET_NAME": "out-bucket"}, check=False)
        assert no_bucket.returncode == 1 and "[invocations] bucket" in no_bucket.stderr, no_bucket.stderr

        bad_name = synth(os.path.join(PIPELINES, "lambda.conf"), {"THUMBING_BUCKET_NAME": "My_Bucket"}, check=False)
        assert bad_name.returncode == 1 and "[invocations] bucket" in bad_name.stderr \
            and "My_Bucket" in bad_name.stderr, bad_name.stderr

        bad_format = synth(os.path.join(PIPELINES, "lambda.conf"), SEED_ENV, "--format=xml", check=False)
        assert bad_format.returncode == 2 and "xml" in bad_format.stderr, bad_format.stderr
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_templates_match_the_specification,
                               test_policy_allows_what_the_pipeline_does_and_nothing_else,
                               test_two_buckets_scope_each_element_to_its_own,
                               test_the_function_runs_what_was_synthesised,
                               test_refusals_name_the_file_group_and_key]))
