export * from './ansible-role';
