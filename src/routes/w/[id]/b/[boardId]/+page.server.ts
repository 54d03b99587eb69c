import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, parent }) => {
	const { boards } = await parent();
	const board = boards.find((b) => b.id === params.boardId);
	if (!board) error(404, { message: 'not_found' });
	return { board };
};
