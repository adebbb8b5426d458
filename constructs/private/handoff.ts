// Internal: hands a part the settings its parent construct already resolved, so that the part does not check them twice.

/**
 * Settings that a parent construct resolved (and validated, with every other prop, in one error) from a part's
 * options, handed to the part together with the props object the part is built with. The part takes them instead
 * of checking its props again; a part a user builds has none and resolves its own props.
 *
 * The settings travel beside the props, keyed by the props object, so that the part's public props stay what a
 * user may write.
 */
export class SettingsHandoff<S> {
  private readonly settings = new WeakMap<object, S>();

  /** `props`, carrying `settings` to the part's constructor. */
  public attach<P extends object>(props: P, settings: S): P {
    this.settings.set(props, settings);
    return props;
  }

  /** The settings handed over with `props`, if any. */
  public take(props: object): S | undefined {
    const settings = this.settings.get(props);
    this.settings.delete(props);
    return settings;
  }
}
