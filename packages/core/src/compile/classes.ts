import { InputError } from '../bits/errors';
import type { ClassBinding } from '../document/types';
import type { TcFilter } from '../ir/types';
import type { Layout } from '../layout/types';
import { isInterfaceName } from '../net/interface';
import { isTcClassid, isTcParent } from '../net/tc-handle';
import type { ResolvedOptions } from './options';
import { bindingMark } from './routes';
import { objectAt } from './shape';

/**
 * tc `fw` filters for the class bindings. The kernel keeps one mask per filter instance (dev, parent,
 * priority, protocol) and refuses a filter whose mask differs (cls_fw.c fw_set_parms), and a handle of 0
 * (fw_change); so bindings with different masks get different priorities, and an explicit priority that would
 * mix masks is refused.
 */
export function compileClasses(
  layout: Layout,
  classes: readonly ClassBinding[],
  options: ResolvedOptions,
): TcFilter[] {
  const masks = new Map<string, { mask: number; at: string }>();
  const handles = new Map<string, string>();
  const instance = (dev: string, parent: string, prio: number) => `${dev} ${parent} ${prio}`;
  const prepared = classes.map((entry, i) => {
    const path = `policy.classes[${i}]`;
    const binding = objectAt(entry, path, 'a class binding');
    const { value, mask } = bindingMark(layout, binding.when, `${path}.when`);
    if (value === 0) {
      throw new InputError(
        `${path}.when`,
        binding.when,
        'selects mark value 0, which a tc fw filter cannot match (handle 0 is refused)',
      );
    }
    if (typeof binding.dev !== 'string' || !isInterfaceName(binding.dev)) {
      throw new InputError(`${path}.dev`, binding.dev, 'must be an interface name of 1-15 characters');
    }
    if (typeof binding.classid !== 'string' || !isTcClassid(binding.classid)) {
      throw new InputError(
        `${path}.classid`,
        binding.classid,
        'must be a class id MAJOR:MINOR in hex, e.g. "1:30"',
      );
    }
    const parent = binding.parent ?? 'root';
    if (typeof parent !== 'string' || !isTcParent(parent)) {
      throw new InputError(
        `${path}.parent`,
        binding.parent,
        'must be "root" or a handle MAJOR:[MINOR] in hex',
      );
    }
    const prio = binding.priority;
    if (prio !== undefined && (!Number.isInteger(prio) || prio < 1 || prio > 0xffff)) {
      throw new InputError(`${path}.priority`, prio, 'must be a tc priority 1..65535');
    }
    if (prio !== undefined) {
      const key = instance(binding.dev, parent, prio);
      const seen = masks.get(key);
      if (seen && seen.mask !== mask) {
        throw new InputError(
          `${path}.priority`,
          prio,
          `mixes fw masks with ${seen.at} on one filter (dev ${binding.dev}, parent ${parent}); use another priority`,
        );
      }
      masks.set(key, { mask, at: path });
    }
    return { binding, path, value, mask, parent, prio };
  });

  return prepared.map(({ binding, path, value, mask, parent, prio }) => {
    let priority = prio;
    if (priority === undefined) {
      priority = options.tcPriorityBase;
      for (;;) {
        const seen = masks.get(instance(binding.dev, parent, priority));
        if (!seen || seen.mask === mask) break;
        priority++;
      }
      masks.set(instance(binding.dev, parent, priority), { mask, at: path });
    }
    const handleKey = `${instance(binding.dev, parent, priority)} ${value}`;
    const other = handles.get(handleKey);
    if (other)
      throw new InputError(
        `${path}.when`,
        binding.when,
        `selects the same mark as ${other} on dev ${binding.dev}`,
      );
    handles.set(handleKey, path);
    return {
      dev: binding.dev,
      parent,
      protocol: 'all',
      priority,
      classifier: { kind: 'fw', handle: value, mask },
      classid: binding.classid.toLowerCase(),
    };
  });
}
