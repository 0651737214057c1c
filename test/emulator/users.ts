/** Users and HTTP Basic authentication. */
import type { EmulatorUser } from './types';

/** The user object the server returns from `/other/whoami`. */
export interface UserInfo {
	user_id: string;
	full_name: string;
	email: string;
	is_admin: boolean;
	record_expires_at: string | null;
}

export const DEFAULT_USERS: readonly EmulatorUser[] = [
	{ username: 'admin', password: 'admin', isAdmin: true },
	{ username: 'alice', password: 'alice' },
];

/** Who every caller is when authentication is off (the server's built-in default user). */
export const AUTH_OFF_USER: UserInfo = {
	user_id: 'admin',
	full_name: 'John Doe',
	email: 'admin@example.com',
	is_admin: true,
	record_expires_at: null,
};

export interface AuthResult {
	user: UserInfo | null;
	/** The user name the Authorization header carried, whether the password was right or not. */
	claimed: string | null;
}

export class UserDirectory {
	private readonly users = new Map<string, EmulatorUser>();

	constructor(users: readonly EmulatorUser[]) {
		for (const user of users) {
			if (!user.username || user.username.includes(':'))
				throw new Error(`Invalid user name "${user.username}"`);
			this.users.set(user.username, user);
		}
	}

	get usernames(): string[] {
		return [...this.users.keys()];
	}

	authenticate(authorization: string | undefined): AuthResult {
		const match = /^basic\s+(\S+)\s*$/i.exec(authorization ?? '');
		if (!match) return { user: null, claimed: null };
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return { user: null, claimed: null };
		const username = decoded.slice(0, colon);
		const password = decoded.slice(colon + 1);
		const user = this.users.get(username);
		if (!user || user.password !== password) return { user: null, claimed: username };
		return {
			claimed: username,
			user: {
				user_id: user.username,
				full_name: user.fullName ?? 'John Doe',
				email: user.email ?? 'user@example.com',
				is_admin: user.isAdmin ?? false,
				record_expires_at: null,
			},
		};
	}
}
