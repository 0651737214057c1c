/**
 * A polling trigger of an active workflow, driven the way n8n drives it: n8n-core's
 * `PollTriggerExecutor` runs the node's `poll()` in a `PollContext` over one `Workflow` object that
 * lives as long as the activation (so the node's static data carries from poll to poll), first once
 * at activation (a "testing" poll that may emit), then at each tick. What a poll emits starts an
 * execution in `trigger` mode through the engine, from the trigger node.
 *
 * n8n stores the static data in its database at activation and whenever a poll emits, not after a
 * poll that emits nothing; `saved` is that copy, and `restart()` gives the activation a restarted
 * n8n would make from it.
 *
 *     const trigger = new PolledTrigger({ trigger: { name: 'Trigger', type, parameters }, nodeTypes, ... });
 *     await trigger.activate();            // null: nothing old is replayed
 *     const emitted = await trigger.tick(); // the items of the next poll, or null
 *     const result = await trigger.run(emitted!, [nextNode]);
 */
import './env';
import { randomUUID } from 'node:crypto';
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IPollFunctions,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { acquireBinaryDataMode } from './binary-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { Container } from './di';
import {
	type HarnessNode,
	type RunOptions,
	type RunResult,
	buildAdditionalData,
	runWorkflow,
} from './index';
import { HarnessNodeTypes, type NodeTypeMap } from './node-types';

export interface PolledTriggerOptions extends Pick<
	RunOptions,
	'nodeTypes' | 'credentialTypes' | 'credentials' | 'binaryDataMode'
> {
	trigger: HarnessNode;
	/** The static data a previous activation left in the database (see `restart`). */
	staticData?: IDataObject;
}

export class PolledTrigger {
	private readonly workflow: Workflow;
	private readonly node: INode;
	/** The static data as n8n's database holds it. */
	saved: IDataObject;
	/** Polls that threw (n8n records each as a failed execution and keeps polling). */
	readonly errors: Error[] = [];

	constructor(private readonly options: PolledTriggerOptions) {
		const { trigger } = options;
		this.node = {
			id: trigger.id ?? randomUUID(),
			name: trigger.name,
			type: trigger.type,
			typeVersion: trigger.typeVersion ?? 1,
			position: [0, 0],
			parameters: structuredClone(trigger.parameters),
			credentials: trigger.credentials ?? {
				visionatrixApi: { id: 'visionatrixApi-harness', name: 'visionatrixApi (harness)' },
			},
		};
		this.saved = structuredClone(options.staticData ?? {});
		this.workflow = new Workflow({
			id: 'harness',
			name: 'Harness workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: new HarnessNodeTypes(options.nodeTypes as NodeTypeMap),
			staticData: structuredClone(this.saved),
			settings: { executionOrder: 'v1' },
		});
	}

	/** The poll n8n runs when the workflow is activated (published), or when n8n starts with it active. */
	async activate(
		activation: WorkflowActivateMode = 'activate',
	): Promise<INodeExecutionData[][] | null> {
		const emitted = await this.poll(activation, true);
		this.save();
		return emitted;
	}

	/** One scheduled poll. */
	async tick(): Promise<INodeExecutionData[][] | null> {
		return await this.poll('activate', false);
	}

	/** The same workflow activated by a restarted n8n: only what the database kept. */
	restart(): PolledTrigger {
		return new PolledTrigger({ ...this.options, staticData: this.saved });
	}

	/** Runs the execution a poll started: the trigger node with the emitted items, then `next`. */
	async run(emitted: INodeExecutionData[][], next: HarnessNode[] = []): Promise<RunResult> {
		return await runWorkflow({
			...this.options,
			nodes: [{ ...this.options.trigger, id: this.node.id }, ...next],
			mode: 'trigger',
			startNode: this.node.name,
			startData: emitted,
		});
	}

	private save(): void {
		const data = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
		delete data.__dataChanged;
		this.saved = data;
	}

	private async poll(
		activation: WorkflowActivateMode,
		testing: boolean,
	): Promise<INodeExecutionData[][] | null> {
		const release = await acquireBinaryDataMode(this.options.binaryDataMode ?? 'default');
		try {
			const credentialsHelper = new HarnessCredentialsHelper(
				this.options.credentialTypes,
				this.options.credentials,
			);
			const additionalData = buildAdditionalData(
				credentialsHelper,
				undefined as never,
				randomUUID(),
				'harness',
			);
			let emitted: INodeExecutionData[][] | null = null;
			const context = new PollContext(
				this.workflow,
				this.node,
				additionalData,
				'trigger',
				activation,
				(data) => {
					emitted = data;
					this.save();
				},
				(error) => this.errors.push(error),
			) as unknown as IPollFunctions;
			await Container.get(PollTriggerExecutor).create(
				this.workflow,
				this.node,
				context,
				() => true,
			)(testing);
			return emitted;
		} finally {
			release();
		}
	}
}
