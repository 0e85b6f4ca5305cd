// Starts a local S3 (s3rver) and SQS + SNS (fauxqs) on 127.0.0.1, creates the
// buckets, queues, topics and subscriptions a test asks for, and delivers S3
// event notifications the way S3 does: to a queue directly, or through a
// topic. s3rver only raises events in-process and fauxqs has no bucket
// notifications, so this process is the glue.
//
//   node aws-stack.mjs '{"buckets": ["b"], "queues": [...], "topics": [...], "notifications": [...]}'
//
// Prints one JSON line — {"s3", "sqs", "queues": {name: url}, "topics": {name: arn}} —
// then serves until its standard input closes or it receives SIGTERM.
//
// With "faults": true, "s3" is a proxy in front of s3rver that a test can make
// misbehave: POST {"drop": N} to its /__faults closes the next N connections
// unanswered (S3 unreachable), {"fail": {"method": "PUT", "count": N, "status": 500,
// "code": "InternalError"}} (or a list of such) answers the next N such requests with that S3 error, {"delay": {"method": "GET",
// "count": N, "ms": M}} holds the next N such requests M ms before passing them
// on (a slow S3); GET /__requests lists the requests that passed, as
// "METHOD /path?query" (then " trace=…" when it carried an X-Amzn-Trace-Id).

import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { buildApp } from "fauxqs";

const require = createRequire(import.meta.url);
const S3rver = require("s3rver");

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const config = JSON.parse(process.argv[2] ?? "{}");

// fauxqs reads the region from the credential scope and checks no signature.
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`;

async function sqs(endpoint, operation, body) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `AmazonSQS.${operation}`,
      Authorization: AUTHORIZATION,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${operation}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function sns(endpoint, params) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: AUTHORIZATION.replace("/sqs/", "/sns/"),
    },
    body: new URLSearchParams({ Version: "2010-03-31", ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SNS ${params.Action}: ${response.status} ${text}`);
  return text;
}

// S3 writes keys in events URL-encoded, form style: a space is “+”.
function encodeEventKey(key) {
  return Array.from(new TextEncoder().encode(key))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-_.*\/]/.test(c)) return c;
      if (c === " ") return "+";
      return "%" + byte.toString(16).toUpperCase().padStart(2, "0");
    })
    .join("");
}

function s3Record(event, bucket) {
  const record = structuredClone(event.Records[0]);
  record.eventVersion = "2.1";
  record.awsRegion = REGION;
  record.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  record.s3.object.key = encodeEventKey(event.Records[0].s3.object.key);
  record.s3.object.sequencer = record.s3.object.sequencer.padStart(16, "0");
  return record;
}

const directory = mkdtempSync(path.join(tmpdir(), "thumbing-s3rver-"));
// Every server listens on port 0 and tells its port: a port probed free
// first can be taken by a test running beside this one before it is bound.
const s3 = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: (config.buckets ?? []).map((name) => ({ name, configs: [] })),
});
const { port: s3Port } = await s3.run();
const s3Endpoint = `http://127.0.0.1:${s3Port}`;

// Queue URLs should be http://127.0.0.1:PORT/000000000000/NAME: the SQS
// store builds them from the request's Host when its own host is empty,
// which only a store made here can be told.
const distribution = import.meta.resolve("fauxqs");
const { SqsStore } = await import(new URL("./sqs/sqsStore.js", distribution));
const { SnsStore } = await import(new URL("./sns/snsStore.js", distribution));
const { S3Store } = await import(new URL("./s3/s3Store.js", distribution));
const sqsStore = new SqsStore();
sqsStore.host = "";
// The fault proxy, when asked for: every request passes to s3rver unless a fault is armed.
let s3Public = s3Endpoint;
if (config.faults) {
  const faults = { drop: 0, fail: null, delay: null };
  const seen = [];
  const proxy = http.createServer((request, response) => {
    if (request.url === "/__requests") {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(seen));
      return;
    }
    const trace = request.headers["x-amzn-trace-id"];
    seen.push(`${request.method} ${request.url}` + (trace ? ` trace=${trace}` : ""));
    if (request.url === "/__faults" && request.method === "POST") {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        Object.assign(faults, JSON.parse(body));
        response.end("{}");
      });
      return;
    }
    if (faults.drop > 0) {
      faults.drop--;
      request.socket.destroy();
      return;
    }
    const failure = [].concat(faults.fail ?? []).find((f) => f.count > 0 && request.method === f.method);
    if (failure) {
      failure.count--;
      request.resume();
      response.writeHead(failure.status ?? 500, { "Content-Type": "application/xml" });
      response.end(`<Error><Code>${failure.code ?? "InternalError"}</Code><Message>injected by the test</Message>` +
                   "<RequestId>FAULT</RequestId></Error>");
      return;
    }
    let wait = 0;
    if (faults.delay && faults.delay.count > 0 && request.method === faults.delay.method) {
      faults.delay.count--;
      wait = faults.delay.ms;
    }
    request.pause();
    setTimeout(() => forward(request, response), wait);
  });

  function forward(request, response) {
    const upstream = http.request({ host: "127.0.0.1", port: s3Port, path: request.url, method: request.method,
                                    headers: request.headers }, (reply) => {
      response.writeHead(reply.statusCode, reply.headers);
      reply.pipe(response);
    });
    upstream.on("error", () => request.socket.destroy());
    request.pipe(upstream);
    request.resume();
  }
  proxy.keepAliveTimeout = 1000;
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  s3Public = `http://127.0.0.1:${proxy.address().port}`;
}

const fauxqs = buildApp({
  logger: false,
  defaultRegion: REGION,
  stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() },
});
await fauxqs.listen({ port: 0, host: "127.0.0.1" });
const sqsEndpoint = `http://127.0.0.1:${fauxqs.server.address().port}`;

const queues = {};
for (const queue of config.queues ?? []) {
  const attributes = {};
  if (queue.visibilityTimeout !== undefined) attributes.VisibilityTimeout = String(queue.visibilityTimeout);
  if (queue.redrive) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue.redrive.dlq}`,
      maxReceiveCount: queue.redrive.maxReceiveCount,
    });
  }
  const created = await sqs(sqsEndpoint, "CreateQueue", { QueueName: queue.name, Attributes: attributes });
  queues[queue.name] = created.QueueUrl;
}

const topics = {};
for (const topic of config.topics ?? []) {
  const xml = await sns(sqsEndpoint, { Action: "CreateTopic", Name: topic.name });
  topics[topic.name] = /<TopicArn>(.*?)<\/TopicArn>/.exec(xml)[1];
  for (const subscriber of topic.queues ?? []) {
    const params = {
      Action: "Subscribe",
      TopicArn: topics[topic.name],
      Protocol: "sqs",
      Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${subscriber.name ?? subscriber}`,
    };
    if (subscriber.raw) {
      params["Attributes.entry.1.key"] = "RawMessageDelivery";
      params["Attributes.entry.1.value"] = "true";
    }
    await sns(sqsEndpoint, params);
  }
}

// Deliveries run one after the other, in event order, as a notification
// configuration would send them.
let deliveries = Promise.resolve();
s3.on("event", (event) => {
  const original = event.Records[0];
  const bucket = original.s3.bucket.name;
  const key = original.s3.object.key;
  for (const rule of config.notifications ?? []) {
    if (rule.bucket !== bucket || !key.startsWith(rule.prefix ?? "") || !original.eventName.startsWith("ObjectCreated:"))
      continue;
    const body = JSON.stringify({ Records: [s3Record(event, bucket)] });
    deliveries = deliveries.then(() =>
      rule.queue
        ? sqs(sqsEndpoint, "SendMessage", { QueueUrl: queues[rule.queue], MessageBody: body })
        : sns(sqsEndpoint, { Action: "Publish", TopicArn: topics[rule.topic], Subject: "Amazon S3 Notification", Message: body })
    ).catch((error) => process.stderr.write(`aws-stack: delivering an event failed: ${error.message}\n`));
  }
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await deliveries;
  await fauxqs.close();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();

process.stdout.write(JSON.stringify({ s3: s3Public, sqs: sqsEndpoint, queues, topics }) + "\n");
