import { MemoryDocumentStore } from './memory-store';
import { describeDocumentStore } from './store-contract';

describeDocumentStore('in memory', async () => {
	const store = new MemoryDocumentStore();
	return {
		store,
		workshopId: crypto.randomUUID(),
		boardId: crypto.randomUUID(),
		members: [crypto.randomUUID(), crypto.randomUUID()],
		cardAuthors: async (boardId) => store.cardAuthors(boardId)
	};
});
