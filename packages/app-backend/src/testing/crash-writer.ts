// Child process for the crash-safety test: commits one known version, says so, then runs a huge write
// transaction until it is killed. Argument: the database path.
import { Store } from '../store';

const store = Store.open(process.argv[2]!);
store.createLayout('committed', { document: { format: 'markwright/1', name: 'committed' }, fieldCount: 0 });
process.stdout.write('committed\n');
store.db
  .transaction(() => {
    for (let i = 0; ; i++) {
      store.createLayout(`uncommitted-${i}`, {
        document: { format: 'markwright/1', name: `uncommitted-${i}`, padding: 'x'.repeat(2000) },
        fieldCount: 0,
      });
      if (i === 2000) process.stdout.write('writing\n');
    }
  })
  .immediate();
