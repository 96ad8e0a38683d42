import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InfraProps } from './props.js';

/**
 * The whole Drawbridge deployment (DESIGN §4). Composes the constructs in this folder:
 *   data.ts       — KMS key, DynamoDB table (on-demand, PITR, deletion protection, GSIs)
 *   functions.ts  — `slack` (Function URL) and `worker` Lambdas in the VPC, their staged assets and env
 *   scheduling.ts — schedule group, scheduler role (invoke worker only), DLQ, the rate(5 minutes) sweeper
 *   bastion.ts    — bastion security group, role + instance profile, Session Manager preferences and logs,
 *                   the requesters' managed policy, and the worker's EC2/SSM/PassRole permissions
 * and declares the outputs the operator needs.
 */
export class DrawbridgeStack extends Stack {
  constructor(scope: Construct, id: string, props: InfraProps & StackProps) {
    super(scope, id, props);
    // Filled in by the constructs (see the helpers' work).
  }
}
