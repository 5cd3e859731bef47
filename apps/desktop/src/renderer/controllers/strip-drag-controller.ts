// Pointer drags on a bit strip: create (from a free bit), move (from inside a field) and resize (from a field's
// edge handle). It turns pointer positions into bits, keeps the proposed placement as a preview while dragging,
// and commits it on release only when it overlaps nothing.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { contiguousSpan } from '../logic/draft';
import {
  checkPlacement,
  createSpan,
  type Edge,
  moveSpan,
  type PlacedField,
  type Placement,
  resizeSpan,
  type Span,
  spanMask,
} from '../logic/field-drag';
import { bitAtX } from '../logic/strip-geometry';

export type DragMode =
  | { kind: 'create'; anchor: number }
  | { kind: 'move'; id: number; start: Span; grabBit: number }
  | { kind: 'resize'; id: number; start: Span; edge: Edge };

export interface DragPreview {
  readonly id: number | null;
  readonly placement: Placement;
}

export interface StripDragHost extends ReactiveControllerHost {
  /** The fields of this strip's mark. */
  dragFields(): readonly PlacedField[];
  /** Client-x extent of the 32 cells. */
  cellsRect(): { left: number; width: number } | null;
  commitCreate(mask: number): void;
  commitChange(id: number, mask: number): void;
  refuse(reason: string): void;
}

export class StripDragController implements ReactiveController {
  mode: DragMode | null = null;
  preview: DragPreview | null = null;

  constructor(private readonly host: StripDragHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  bitAt(clientX: number): number | null {
    const rect = this.host.cellsRect();
    return rect ? bitAtX(clientX, rect.left, rect.width) : null;
  }

  /** Starts a drag; `edge` when the pointer went down on a field's resize handle. */
  begin(clientX: number, fieldId: number | null, edge: Edge | null): boolean {
    const bit = this.bitAt(clientX);
    if (bit === null) return false;
    if (fieldId === null) {
      this.mode = { kind: 'create', anchor: bit };
    } else {
      const field = this.host.dragFields().find((f) => f.id === fieldId);
      const span = field ? contiguousSpan(field.mask) : null;
      if (!span) return false;
      this.mode = edge
        ? { kind: 'resize', id: fieldId, start: span, edge }
        : { kind: 'move', id: fieldId, start: span, grabBit: bit };
    }
    this.update(clientX);
    return true;
  }

  update(clientX: number): void {
    const bit = this.bitAt(clientX);
    if (!this.mode || bit === null) return;
    const span = proposedSpan(this.mode, bit);
    const id = this.mode.kind === 'create' ? null : this.mode.id;
    const placement = checkPlacement(spanMask(span), id, this.host.dragFields());
    const previous = this.preview;
    if (previous && previous.id === id && previous.placement.mask === placement.mask) return;
    this.preview = { id, placement };
    this.host.requestUpdate();
  }

  end(): void {
    const { mode, preview } = this;
    this.mode = null;
    this.preview = null;
    this.host.requestUpdate();
    if (!mode || !preview) return;
    if (!preview.placement.ok) {
      this.host.refuse(`Not placed: the field ${preview.placement.reason}`);
      return;
    }
    if (mode.kind === 'create') this.host.commitCreate(preview.placement.mask);
    else if (preview.placement.mask !== spanMask(mode.start))
      this.host.commitChange(mode.id, preview.placement.mask);
  }

  cancel(): void {
    this.mode = null;
    this.preview = null;
    this.host.requestUpdate();
  }
}

function proposedSpan(mode: DragMode, bit: number): Span {
  if (mode.kind === 'create') return createSpan(mode.anchor, bit);
  if (mode.kind === 'move') return moveSpan(mode.start, bit - mode.grabBit);
  return resizeSpan(mode.start, mode.edge, bit);
}
