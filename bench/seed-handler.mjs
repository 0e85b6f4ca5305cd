// The seed's Lambda handler (aws/lambda/process-images), fed by an SQS poller
// as an event source mapping would feed it, for the end-to-end benchmark:
// CONCURRENCY messages in flight, each deleted once its handler returned;
// exits when the queue is drained. Changes from the seed: ES module syntax,
// no console.log of every step, the endpoints of the local stack
// (AWS_ENDPOINT_URL_S3/SQS, path-style addressing for s3rver), and the output
// bucket from BUCKET_NAME.
import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import sharp from 'sharp';

const bucketName = process.env.BUCKET_NAME;
const folderInput = process.env.FOLDER_INPUT;
const folderOutput = process.env.FOLDER_OUTPUT;
const width = 512;
const height = 512;
const queueUrl = process.env.QUEUE_URL;
const concurrency = Number(process.env.CONCURRENCY || 2);

const client = new S3Client({ forcePathStyle: true });
const sqs = new SQSClient({});

async function getOriginalImage(client, srcBucket, srcKey) {
  const command = new GetObjectCommand({ Bucket: srcBucket, Key: srcKey });
  const response = await client.send(command);
  const chunks = [];
  for await (const chunk of response.Body) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function processImage(image, width, height) {
  return sharp(image).resize(width, height).png().toBuffer();
}

async function uploadProcessedImage(client, dstBucket, dstKey, image) {
  const command = new PutObjectCommand({ Bucket: dstBucket, Key: dstKey, Body: image, ContentType: 'image/png' });
  return client.send(command);
}

async function handler(event) {
  const srcBucket = event.Records[0].s3.bucket.name;
  const srcKey = decodeURIComponent(event.Records[0].s3.object.key.replace(/\+/g, ' '));
  const dstBucket = bucketName;
  const dstKey = srcKey.replace(folderInput, folderOutput);
  const originalImage = await getOriginalImage(client, srcBucket, srcKey);
  const processedImage = await processImage(originalImage, width, height);
  await uploadProcessedImage(client, dstBucket, dstKey, processedImage);
}

let empty = 0;
let failed = 0;
const inFlight = new Set();
while (empty < 2) {
  const room = concurrency - inFlight.size;
  if (room <= 0) {
    await Promise.race(inFlight);
    continue;
  }
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, room), WaitTimeSeconds: 0, VisibilityTimeout: 120,
  }));
  if (Messages.length === 0 && inFlight.size === 0) {
    empty++;
    continue;
  }
  empty = 0;
  if (Messages.length === 0) {
    await Promise.race(inFlight);
    continue;
  }
  for (const message of Messages) {
    const work = (async () => {
      try {
        await handler(JSON.parse(message.Body));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      } catch (error) {
        failed++;
        console.error(`seed handler: ${error.message}`);
      }
    })();
    inFlight.add(work);
    work.finally(() => inFlight.delete(work));
  }
}
await Promise.all(inFlight);
process.exit(failed > 0 ? 1 : 0);
