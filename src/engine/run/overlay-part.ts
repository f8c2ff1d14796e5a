import { sha256Hex } from '../../util/index.js';
import type { OverlayPart, RunOverlay } from '../contracts/index.js';

/**
 * What the overlay gives one leaf (its own block, else its role's) or one engine call in a role:
 * the advisory text, the role's policy, and a fingerprint of both that becomes part of the effect
 * key — the overlay changes what is asked, so a replay under another overlay must not match.
 */
export function overlayPartFor(overlay: RunOverlay, leafId: string | null, role: string): OverlayPart | undefined {
  const leafBlock = leafId === null ? undefined : overlay.leafBlocks[leafId];
  const blockIndex = leafBlock ?? overlay.roleBlocks[role];
  const advisory = blockIndex === undefined ? undefined : overlay.blocks[blockIndex];
  const policy = overlay.rolePolicies?.[role];
  if (advisory === undefined && policy === undefined) return undefined;
  const fingerprint = sha256Hex(JSON.stringify({ advisory: advisory ?? null, policy: policy ?? null }));
  return { ...(advisory !== undefined ? { advisory } : {}), ...(policy !== undefined ? { policy } : {}), fingerprint };
}

/** A leaf's effect key: CodeWhale's input hash, mixed with the overlay's fingerprint when the overlay gives the leaf anything. */
export function leafEffectKey(inputHash: string, part: OverlayPart | undefined): string {
  return part?.fingerprint ? sha256Hex(`${inputHash}\noverlay:${part.fingerprint}`) : inputHash;
}
