// The base of every data module: it owns a slice of the app's state and fires `change` after each update, so
// the views that show it (through StoreController) render again. Views never hold this state themselves, which
// is why it survives switching between views.

export class DataStore extends EventTarget {
  protected notify(): void {
    this.dispatchEvent(new Event('change'));
  }
}
