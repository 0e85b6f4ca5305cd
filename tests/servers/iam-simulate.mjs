// Evaluates requests against an identity policy with AWS's evaluation logic
// (@cloud-copilot/iam-simulate): reads {"policy": …, "requests": [{"action",
// "resource", "context"}]} on stdin, prints one decision per request
// ("Allowed", "ImplicitlyDenied", … or "error: …") as a JSON array.
import { runSimulation } from "@cloud-copilot/iam-simulate";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { policy, requests } = JSON.parse(Buffer.concat(chunks).toString());
const decisions = [];
for (const request of requests) {
  const response = await runSimulation({
    identityPolicies: [{ name: "thumbing", policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: request.action,
      principal: "arn:aws:iam::123456789012:role/thumbing",
      resource: { accountId: "123456789012", resource: request.resource },
      contextVariables: request.context ?? {},
    },
  }, {});
  decisions.push(response.resultType === "error" ? "error: " + JSON.stringify(response.errors) : response.overallResult);
}
console.log(JSON.stringify(decisions));
