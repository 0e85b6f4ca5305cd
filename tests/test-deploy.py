#!/usr/bin/python3
"""thumbing deploy: against a CloudFormation stand-in served here (change
sets, stack events arriving one by one, a rollback, outputs), with the
Lambda zip uploaded to s3rver; and against moto's CloudFormation server when
the machine has one (the test prints which it used)."""

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thumbing_tap  # noqa: E402
from aws_stack import AwsStack  # noqa: E402

TOOL = os.environ["THUMBING_TOOL"]
PIPELINES = os.path.join(os.environ["THUMBING_SOURCE_ROOT"], "data", "pipelines")
SECRET = "a-webhook-secret-of-32-characters"
ENV = {"THUMBING_BUCKET_NAME": "thumbs-in", "THUMBING_TOPIC_NAME": "done", "AWS_REGION": "us-east-1",
       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}


def xml(action, body):
    return (f'<{action}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
            f"<{action}Result>{body}</{action}Result><ResponseMetadata><RequestId>r-1</RequestId>"
            f"</ResponseMetadata></{action}Response>")


def members(items):
    return "".join(f"<member>{item}</member>" for item in items)


class CloudFormation:
    """Plays CloudFormation's Query API for one stack: the events of an
    execution are revealed one per DescribeStackEvents."""

    def __init__(self, events, outputs=()):
        self.script = events
        self.outputs = outputs
        self.requests = []
        self.revealed = 0
        self.executed = False
        self.change_set_polls = 0
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
                api.requests.append((params, self.headers.get("Authorization", "")))
                status, reply = api.answer(params)
                data = reply.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def event(self, i, resource, kind, status, reason=""):
        return (f"<EventId>e-{i}</EventId><StackName>s</StackName><LogicalResourceId>{resource}</LogicalResourceId>"
                f"<ResourceType>{kind}</ResourceType><Timestamp>2026-11-29T10:00:{i:02d}.000Z</Timestamp>"
                f"<ResourceStatus>{status}</ResourceStatus>"
                + (f"<ResourceStatusReason>{escape(reason)}</ResourceStatusReason>" if reason else ""))

    def answer(self, params):
        action = params["Action"]
        if action == "DescribeStacks":
            if not self.executed:
                return 400, ("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>"
                             f"<Message>Stack with id {params['StackName']} does not exist</Message></Error>"
                             "<RequestId>r-2</RequestId></ErrorResponse>")
            stack_events = [e for e in self.script[:self.revealed] if e[1] == "AWS::CloudFormation::Stack"]
            status = stack_events[-1][2] if stack_events else "CREATE_IN_PROGRESS"
            outputs = members(f"<OutputKey>{k}</OutputKey><OutputValue>{v}</OutputValue>" for k, v in self.outputs)
            return 200, xml(action, f"<Stacks><member><StackName>s</StackName><StackStatus>{status}</StackStatus>"
                                    f"<Outputs>{outputs}</Outputs></member></Stacks>")
        if action == "CreateChangeSet":
            return 200, xml(action, "<Id>arn:aws:cloudformation:us-east-1:1:changeSet/c/1</Id>")
        if action == "DescribeChangeSet":
            self.change_set_polls += 1
            if self.change_set_polls == 1:
                return 200, xml(action, "<Status>CREATE_PENDING</Status>")
            changes = members(f"<Type>Resource</Type><ResourceChange><Action>Add</Action>"
                              f"<LogicalResourceId>{r}</LogicalResourceId><ResourceType>{t}</ResourceType>"
                              f"<Details>{members(['<Target><Attribute>Properties</Attribute></Target>'])}</Details>"
                              f"</ResourceChange>" for r, t in (("InputBucket", "AWS::S3::Bucket"),
                                                                ("Queue", "AWS::SQS::Queue")))
            return 200, xml(action, f"<Status>CREATE_COMPLETE</Status><Changes>{changes}</Changes>")
        if action == "DescribeStackEvents":
            if self.executed:
                self.revealed = min(self.revealed + 1, len(self.script))
            shown = [self.event(i, *e) for i, e in enumerate(self.script[:self.revealed])]
            return 200, xml(action, f"<StackEvents>{members(reversed(shown))}</StackEvents>")
        if action == "ExecuteChangeSet":
            self.executed = True
            return 200, xml(action, "")
        if action == "DeleteChangeSet":
            return 200, xml(action, "")
        return 400, f"<ErrorResponse><Error><Code>InvalidAction</Code><Message>{action}</Message></Error></ErrorResponse>"

    def actions(self):
        return [params["Action"] for params, _ in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def deploy(conf, endpoint, *options, env=None):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "THUMBING_"))}
    full.update(ENV, THUMBING_PLUGIN_PATH=os.environ["THUMBING_PLUGIN_PATH"],
                AWS_ENDPOINT_URL_CLOUDFORMATION=endpoint, **(env or {}))
    return subprocess.run([TOOL, "deploy", conf, *options], env=full, capture_output=True, text=True, timeout=120)


ROLLBACK = [
    ("s", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
    ("InputBucket", "AWS::S3::Bucket", "CREATE_IN_PROGRESS"),
    ("Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS"),
    ("InputBucket", "AWS::S3::Bucket", "CREATE_FAILED", "thumbs-in already exists"),
    ("Queue", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled"),
    ("s", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS",
     "The following resource(s) failed to create: [InputBucket, Queue]."),
    ("Queue", "AWS::SQS::Queue", "DELETE_COMPLETE"),
    ("s", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
]

CREATED = [
    ("s", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
    ("InputBucket", "AWS::S3::Bucket", "CREATE_COMPLETE"),
    ("s", "AWS::CloudFormation::Stack", "CREATE_COMPLETE"),
]


def test_rollback_names_the_failing_resource():
    cfn = CloudFormation(ROLLBACK)
    try:
        result = deploy(os.path.join(PIPELINES, "thumbing.conf"), cfn.url, "--stack-name", "s")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "stack s ended ROLLBACK_COMPLETE: InputBucket (AWS::S3::Bucket): thumbs-in already exists" \
            in result.stderr, result.stderr
        lines = [line for line in result.stdout.splitlines() if line.startswith("2026-")]
        assert [line.split()[1] for line in lines] == [e[2] for e in ROLLBACK], result.stdout
        assert "Add      InputBucket" in result.stdout, result.stdout
        assert cfn.actions()[:2] == ["DescribeStacks", "CreateChangeSet"], cfn.actions()
        create = next(p for p, _ in cfn.requests if p["Action"] == "CreateChangeSet")
        assert create["ChangeSetType"] == "CREATE"
        assert {create["Capabilities.member.1"], create["Capabilities.member.2"]} == {"CAPABILITY_IAM",
                                                                                      "CAPABILITY_AUTO_EXPAND"}
        # Signed for CloudFormation, as AWS wants.
        assert all("/us-east-1/cloudformation/aws4_request" in auth for _, auth in cfn.requests), cfn.requests[0]
    finally:
        cfn.close()


def test_lambda_deploy_uploads_the_code_and_prints_outputs():
    work = tempfile.mkdtemp()
    cfn = CloudFormation(CREATED, outputs=[("QueueUrl", "https://sqs.us-east-1.amazonaws.com/1/q")])
    try:
        zip_path = os.path.join(work, "thumbing-lambda.zip")
        with open(zip_path, "wb") as f:
            f.write(b"PK\x05\x06" + bytes(18))
        with AwsStack(buckets=["artifacts"]) as stack:
            env = {"AWS_ENDPOINT_URL_S3": stack.endpoints["s3"], "AWS_ACCESS_KEY_ID": "S3RVER",
                   "AWS_SECRET_ACCESS_KEY": "S3RVER", "THUMBING_WEBHOOK_URL": "https://hooks.example.com/x",
                   "THUMBING_WEBHOOK_SECRET": SECRET}
            result = deploy(os.path.join(PIPELINES, "lambda.conf"), cfn.url, "--stack-name", "s", "--code", zip_path,
                            "--artifacts-bucket", "artifacts", "--parameter", "FunctionMemorySize=2048", env=env)
            assert result.returncode == 0, result.stdout + result.stderr
            create = next(p for p, _ in cfn.requests if p["Action"] == "CreateChangeSet")
            given = {create[k]: create[k.replace("Key", "Value")] for k in create if k.endswith("ParameterKey")}
            assert given["CodeBucket"] == "artifacts" and given["FunctionMemorySize"] == "2048", given
            assert given["WebhookSecret"] == SECRET, "the secret comes from its variable, not the template"
            assert SECRET not in create["TemplateBody"]
            key = given["CodeKey"]
            headers, body = stack.s3_get("artifacts", key)
            assert body == b"PK\x05\x06" + bytes(18), key
            assert json.loads(create["TemplateBody"])["Resources"]["Function"]["Type"] == "AWS::Lambda::Function"
        assert "Stack s: CREATE_COMPLETE" in result.stdout and "QueueUrl" in result.stdout, result.stdout
        assert "Uploading" in result.stdout
    finally:
        cfn.close()
        shutil.rmtree(work)


def test_dry_run_and_missing_values_change_nothing():
    cfn = CloudFormation(CREATED)
    try:
        result = deploy(os.path.join(PIPELINES, "thumbing.conf"), cfn.url, "--stack-name", "s", "--dry-run")
        assert result.returncode == 0, result.stderr
        assert "Dry run: nothing was changed." in result.stdout and "Add      Queue" in result.stdout, result.stdout
        assert "ExecuteChangeSet" not in cfn.actions() and "DeleteChangeSet" in cfn.actions(), cfn.actions()

        before = len(cfn.requests)
        missing = deploy(os.path.join(PIPELINES, "lambda.conf"), cfn.url, "--stack-name", "s")
        assert missing.returncode == 1 and "needs CodeBucket" in missing.stderr, missing.stderr
        unknown = deploy(os.path.join(PIPELINES, "thumbing.conf"), cfn.url, "--stack-name", "s",
                         "--parameter", "Bukcet=x")
        assert unknown.returncode == 1 and "Bukcet=x" in unknown.stderr and "BucketName" in unknown.stderr, \
            unknown.stderr
        assert "CreateChangeSet" not in cfn.actions()[before:], cfn.actions()[before:]
        usage = subprocess.run([TOOL, "deploy", os.path.join(PIPELINES, "thumbing.conf")], capture_output=True,
                               text=True)
        assert usage.returncode == 2 and "--stack-name" in usage.stderr, usage.stderr
    finally:
        cfn.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_against_moto():
    server = shutil.which("moto_server")
    if server is None:
        raise thumbing_tap.Skip("moto_server is not installed: the stand-in above covers deploy")
    port = free_port()
    moto = subprocess.Popen([server, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        version = subprocess.run([os.path.join(os.path.dirname(server), "python3"), "-c",
                                  "import moto; print(moto.__version__)"], capture_output=True, text=True).stdout
        print(f"# deploying to moto {version.strip()} at {url}")
        env = {"AWS_ENDPOINT_URL": url}
        first = deploy(os.path.join(PIPELINES, "thumbing.conf"), url, "--stack-name", "thumbing", env=env)
        assert first.returncode == 0 and "Stack thumbing: CREATE_COMPLETE" in first.stdout, first.stdout + first.stderr
        again = deploy(os.path.join(PIPELINES, "thumbing.conf"), url, "--stack-name", "thumbing", env=env)
        assert again.returncode == 0 and "up to date" in again.stdout, again.stdout + again.stderr
    finally:
        moto.send_signal(signal.SIGTERM)
        moto.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(thumbing_tap.run([test_rollback_names_the_failing_resource,
                               test_lambda_deploy_uploads_the_code_and_prints_outputs,
                               test_dry_run_and_missing_values_change_nothing,
                               test_against_moto]))
