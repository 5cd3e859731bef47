// The simulator's inputs and last result: the packet form as typed, the box routing texts (typed, or taken from
// the last probe), and the report of the last run of the open layout. Kept here so they survive switching views.

import type { MarkwrightApi } from '@markwright/api';
import type { SimulationReport, TraceReport } from '@markwright/core';
import { draftToDocument } from '../../logic/draft';
import {
  emptyForm,
  type FormResult,
  type PacketForm,
  PRESETS,
  packetsFromForm,
} from '../../logic/packet-form';
import { routesToIpJson } from '../../logic/probe-routing';
import type { ActivityStore } from '../activity/activity-store';
import { DataStore } from '../data-store';
import type { DeployStore } from '../deploy/deploy-store';
import type { DraftStore } from '../draft/draft-store';

export class SimulationStore extends DataStore {
  form: PacketForm = emptyForm();
  /** The box's routing as `ip -j route show table all` / `ip -j rule` print it (optional). */
  routesText = '';
  ipRulesText = '';
  report: SimulationReport | null = null;
  running = false;
  /** The last live trace: the kernel's path of the next packet like the form's first one on the deploy target. */
  live: TraceReport | null = null;
  tracing = false;

  constructor(
    private readonly api: MarkwrightApi,
    private readonly activity: ActivityStore,
    private readonly layout: DraftStore,
    private readonly deploy: DeployStore,
  ) {
    super();
  }

  /** The packets the form stands for, or an error per input. */
  get packets(): FormResult {
    return packetsFromForm(this.form);
  }

  /** Simulating needs a layout without errors. */
  get blocked(): boolean {
    return Object.keys(this.layout.problems).length > 0;
  }

  get canRun(): boolean {
    return this.layout.draft !== null && this.packets.ok && !this.blocked && !this.running;
  }

  setInput(key: keyof PacketForm, value: string): void {
    this.form = { ...this.form, [key]: value };
    this.notify();
  }

  choosePreset(id: string): void {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset) return;
    this.form = { ...preset.form };
    this.notify();
  }

  setRouting(part: 'routes' | 'ipRules', text: string): void {
    if (part === 'routes') this.routesText = text;
    else this.ipRulesText = text;
    this.notify();
  }

  /** Routes the packets as the last probed box would. */
  useProbedRoutes(): void {
    const probe = this.deploy.probe;
    if (!probe) return;
    this.routesText = routesToIpJson(probe.box.routes);
    this.notify();
  }

  async run(): Promise<void> {
    const draft = this.layout.draft;
    const parsed = this.packets;
    if (!draft || !parsed.ok || this.blocked) return;
    this.running = true;
    this.notify();
    const routes = this.routesText;
    const ipRules = this.ipRulesText;
    const report = await this.activity.run('Simulating', () =>
      this.api.simulate({
        document: draftToDocument(draft),
        packets: parsed.packets,
        ...(routes.trim() !== '' && { routes }),
        ...(ipRules.trim() !== '' && { ipRules }),
      }),
    );
    this.running = false;
    if (report) this.report = report;
    this.notify();
  }

  /** The target a live trace runs on: the one chosen on Deploy (none until one is chosen). */
  get traceTarget(): string | null {
    return this.deploy.target;
  }

  get canTrace(): boolean {
    return this.packets.ok && !this.tracing && this.traceTarget !== null;
  }

  /** Arm a trace for the form's first packet on the deploy target and wait for such a packet (up to 60 s). */
  async traceLive(): Promise<void> {
    const parsed = this.packets;
    if (!parsed.ok || this.tracing) return;
    const open = this.layout.openLayout;
    const target = this.deploy.target;
    if (target === null) return;
    this.tracing = true;
    this.live = null;
    this.notify();
    const report = await this.activity.run(`Tracing on ${target}`, () =>
      this.api.traceLive({
        target,
        packet: parsed.packets[0]!,
        seconds: 60,
        ...(open ? { name: open.name, version: open.version } : {}),
      }),
    );
    this.tracing = false;
    if (report) this.live = report;
    this.notify();
  }
}
